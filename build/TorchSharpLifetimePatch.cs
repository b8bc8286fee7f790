// MSBuild inline task (RoslynCodeTaskFactory): compiles TorchSharp's managed wrappers without JIT optimizations, so that
// no argument of a TorchSharp method can be finalized while libtorch is still using it. Why: docs/troubleshooting.md,
// "Random native errors in long runs". It depends on nothing but the .NET SDK (no Cecil, no System.Reflection.Metadata,
// which inline tasks cannot reference), so it reads the few metadata tables it needs itself (ECMA-335, II.22 and II.24).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class KeepTorchSharpArgumentsAlive : Task
{
    // DebuggableAttribute.DebuggingModes.Default | DisableOptimizations: the runtime compiles a module's methods without
    // optimizations (MinOpts, never tiered up, never inlined into callers) only with both bits, as for a Debug build.
    const int DisableOptimizations = 0x101;

    /// <summary>Folder holding TorchSharp.dll (an output or publish folder); nothing happens when it has none.</summary>
    [Required]
    public string SearchDirectory { get; set; } = "";

    public override bool Execute()
    {
        var path = Path.Combine(SearchDirectory, "TorchSharp.dll");
        if (!File.Exists(path)) return true;
        try
        {
            var assembly = File.ReadAllBytes(path);
            var modes = DebuggingModesOffset(assembly);
            var value = BitConverter.ToInt32(assembly, modes);
            if ((value & DisableOptimizations) == DisableOptimizations) return true;
            BitConverter.GetBytes(value | DisableOptimizations).CopyTo(assembly, modes);
            // Temp file then rename, so a crash never leaves a half-written assembly and a hard link into the NuGet
            // cache is replaced rather than edited; the timestamp is kept so incremental copies see an unchanged file.
            var temp = path + ".patching";
            var stamp = File.GetLastWriteTimeUtc(path);
            File.WriteAllBytes(temp, assembly);
            File.SetLastWriteTimeUtc(temp, stamp);
            File.Replace(temp, path, null);
            Log.LogMessage(MessageImportance.Normal, "Switched off JIT optimizations in {0}, so arguments stay alive during native calls.", path);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException || e is IndexOutOfRangeException || e is ArgumentException)
        {
            Log.LogError("Could not switch off JIT optimizations in {0}: {1}", path, e.Message);
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>File offset of the DebuggingModes int in the assembly's [Debuggable(DebuggingModes)] attribute.</summary>
    static int DebuggingModesOffset(byte[] b)
    {
        var metadata = Metadata.Read(b);
        // CustomAttribute rows: Parent (HasCustomAttribute), Type (CustomAttributeType), Value (blob).
        for (var row = 1; row <= metadata.Rows[Metadata.CustomAttribute]; row++)
        {
            var at = metadata.RowOffset(Metadata.CustomAttribute, row);
            var parent = metadata.Read(ref at, metadata.HasCustomAttributeSize);
            var type = metadata.Read(ref at, metadata.CustomAttributeTypeSize);
            var value = metadata.Read(ref at, metadata.BlobSize);
            // Parent: the assembly (tag 14 of 5 bits); type: a MemberRef (tag 3 of 3 bits) on a TypeRef (tag 1 of 3 bits).
            if (parent != (1 << 5 | 14) || (type & 7) != 3) continue;
            var memberRef = metadata.RowOffset(Metadata.MemberRef, type >> 3);
            var owner = metadata.Read(ref memberRef, metadata.MemberRefParentSize);
            if ((owner & 7) != 1) continue;
            var typeRef = metadata.RowOffset(Metadata.TypeRef, owner >> 3);
            metadata.Read(ref typeRef, metadata.ResolutionScopeSize);
            var name = metadata.String(metadata.Read(ref typeRef, metadata.StringSize));
            var space = metadata.String(metadata.Read(ref typeRef, metadata.StringSize));
            if (name != "DebuggableAttribute" || space != "System.Diagnostics") continue;
            var blob = metadata.Blob(value, out var length);
            // Prolog 0x0001, the int32 DebuggingModes, no named arguments; the (bool, bool) constructor is not handled.
            if (length != 8 || b[blob] != 1 || b[blob + 1] != 0)
                throw new InvalidDataException("its [Debuggable] attribute is not the DebuggingModes form");
            return blob + 2;
        }
        throw new InvalidDataException("it has no assembly-level [Debuggable] attribute");
    }

    /// <summary>The parts of the #~ tables stream this task reads, with the sizes of indexes that vary per assembly.</summary>
    sealed class Metadata
    {
        public const int TypeRef = 1, MemberRef = 10, CustomAttribute = 12;
        readonly byte[] _b;
        readonly int _strings, _blobs;
        readonly int[] _tableStart = new int[64];
        readonly int[] _rowSize = new int[64];
        public readonly int[] Rows = new int[64];
        public int StringSize, GuidSize, BlobSize, HasCustomAttributeSize, CustomAttributeTypeSize, MemberRefParentSize, ResolutionScopeSize;

        Metadata(byte[] b, int strings, int blobs) { _b = b; _strings = strings; _blobs = blobs; }

        public static Metadata Read(byte[] b)
        {
            var pe = BitConverter.ToInt32(b, 0x3c);
            if (BitConverter.ToUInt32(b, pe) != 0x4550) throw new InvalidDataException("not a PE file");
            var optional = pe + 24;
            var directories = optional + (BitConverter.ToUInt16(b, optional) == 0x20b ? 112 : 96);
            var cli = FileOffset(b, pe, BitConverter.ToInt32(b, directories + 14 * 8));
            var root = FileOffset(b, pe, BitConverter.ToInt32(b, cli + 8));
            if (BitConverter.ToUInt32(b, root) != 0x424A5342) throw new InvalidDataException("no CLI metadata");
            var at = root + 16 + BitConverter.ToInt32(b, root + 12) + 2;
            int streams = BitConverter.ToUInt16(b, at), tables = -1, strings = -1, blobs = -1;
            at += 2;
            for (var i = 0; i < streams; i++)
            {
                var offset = root + BitConverter.ToInt32(b, at);
                var end = at + 8;
                while (b[end] != 0) end++;
                var name = Encoding.ASCII.GetString(b, at + 8, end - at - 8);
                if (name == "#~") tables = offset;
                else if (name == "#Strings") strings = offset;
                else if (name == "#Blob") blobs = offset;
                at = (end + 4) & ~3;
            }
            if (tables < 0 || strings < 0 || blobs < 0) throw new InvalidDataException("a metadata stream is missing");
            var m = new Metadata(b, strings, blobs);
            var heaps = b[tables + 6];
            var valid = BitConverter.ToUInt64(b, tables + 8);
            at = tables + 24;
            for (var t = 0; t < 64; t++)
                if ((valid >> t & 1) != 0) { m.Rows[t] = BitConverter.ToInt32(b, at); at += 4; }
            m.StringSize = (heaps & 1) != 0 ? 4 : 2;
            m.GuidSize = (heaps & 2) != 0 ? 4 : 2;
            m.BlobSize = (heaps & 4) != 0 ? 4 : 2;
            m.HasCustomAttributeSize = m.Coded(5, 6, 4, 1, 2, 8, 9, 10, 0, 0x0E, 0x17, 0x14, 0x11, 0x1A, 0x1B, 0x20, 0x23, 0x26, 0x27, 0x28, 0x2A, 0x2C, 0x2B);
            m.CustomAttributeTypeSize = m.Coded(3, 6, 10);
            m.MemberRefParentSize = m.Coded(3, 2, 1, 0x1A, 6, 0x1B);
            m.ResolutionScopeSize = m.Coded(2, 0, 0x1A, 0x23, 1);
            int typeDefOrRef = m.Coded(2, 2, 1, 0x1B), hasConstant = m.Coded(2, 4, 8, 0x17);
            // Row sizes of the tables up to CustomAttribute (II.22.2-22.10); their rows come first in the stream.
            m._rowSize[0] = 2 + m.StringSize + 3 * m.GuidSize;
            m._rowSize[1] = m.ResolutionScopeSize + 2 * m.StringSize;
            m._rowSize[2] = 4 + 2 * m.StringSize + typeDefOrRef + m.Index(4) + m.Index(6);
            m._rowSize[3] = m.Index(4);
            m._rowSize[4] = 2 + m.StringSize + m.BlobSize;
            m._rowSize[5] = m.Index(6);
            m._rowSize[6] = 8 + m.StringSize + m.BlobSize + m.Index(8);
            m._rowSize[7] = m.Index(8);
            m._rowSize[8] = 4 + m.StringSize;
            m._rowSize[9] = m.Index(2) + typeDefOrRef;
            m._rowSize[10] = m.MemberRefParentSize + m.StringSize + m.BlobSize;
            m._rowSize[11] = 2 + hasConstant + m.BlobSize;
            m._rowSize[12] = m.HasCustomAttributeSize + m.CustomAttributeTypeSize + m.BlobSize;
            for (var t = 0; t <= CustomAttribute; t++)
            {
                m._tableStart[t] = at;
                at += m.Rows[t] * m._rowSize[t];
            }
            return m;
        }

        public int RowOffset(int table, int row)
        {
            if (row < 1 || row > Rows[table]) throw new InvalidDataException("a metadata index is out of range");
            return _tableStart[table] + (row - 1) * _rowSize[table];
        }

        public int Read(ref int at, int size)
        {
            var value = size == 2 ? BitConverter.ToUInt16(_b, at) : BitConverter.ToInt32(_b, at);
            at += size;
            return value;
        }

        public string String(int index)
        {
            var start = _strings + index;
            var end = start;
            while (_b[end] != 0) end++;
            return Encoding.UTF8.GetString(_b, start, end - start);
        }

        /// <summary>File offset of blob <paramref name="index"/>'s bytes, after its compressed length (II.24.2.4).</summary>
        public int Blob(int index, out int length)
        {
            var at = _blobs + index;
            var first = _b[at];
            if ((first & 0x80) == 0) { length = first; return at + 1; }
            if ((first & 0xC0) == 0x80) { length = (first & 0x3F) << 8 | _b[at + 1]; return at + 2; }
            length = (first & 0x1F) << 24 | _b[at + 1] << 16 | _b[at + 2] << 8 | _b[at + 3];
            return at + 4;
        }

        int Index(int table) => Rows[table] < 0x10000 ? 2 : 4;

        /// <summary>Size of a coded index over <paramref name="tables"/> with <paramref name="tagBits"/> tag bits (II.24.2.6).</summary>
        int Coded(int tagBits, params int[] tables)
        {
            var most = 0;
            foreach (var t in tables) most = Math.Max(most, Rows[t]);
            return most < 1 << (16 - tagBits) ? 2 : 4;
        }

        static int FileOffset(byte[] b, int pe, int rva)
        {
            var sections = pe + 24 + BitConverter.ToUInt16(b, pe + 20);
            for (var i = 0; i < BitConverter.ToUInt16(b, pe + 6); i++)
            {
                var header = sections + i * 40;
                int size = BitConverter.ToInt32(b, header + 8), address = BitConverter.ToInt32(b, header + 12), raw = BitConverter.ToInt32(b, header + 20);
                if (rva >= address && rva < address + Math.Max(size, BitConverter.ToInt32(b, header + 16))) return rva - address + raw;
            }
            throw new InvalidDataException("an address lies outside every section");
        }
    }
}
