// MSBuild inline task (RoslynCodeTaskFactory): makes TorchSharp's glue library load on hosts whose
// libstdc++ predates GLIBCXX_3.4.32. Why this is safe is written up in docs/troubleshooting.md.
// It depends on nothing but the .NET SDK, so a fresh machine needs no patchelf or python.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PatchLibTorchSharp : Task
{
    const string MissingVersion = "GLIBCXX_3.4.32";
    const string OnlySymbolOfThatVersion = "_ZSt21ios_base_library_initv";
    const uint ShtDynsym = 11;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;
    const byte StbWeak = 2;

    static readonly string[] LibStdCxxCandidates =
    {
        "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    /// <summary>Folder searched recursively for libLibTorchSharp.so (an output or publish folder).</summary>
    [Required]
    public string SearchDirectory { get; set; } = "";

    /// <summary>Semicolon-separated list of the files changed by this run.</summary>
    [Output]
    public string PatchedFiles { get; set; } = "";

    public override bool Execute()
    {
        if (!Directory.Exists(SearchDirectory)) return true;
        var libraries = Directory.GetFiles(SearchDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        if (libraries.Length == 0) return true;

        var libStdCxx = LibStdCxxCandidates.FirstOrDefault(File.Exists);
        if (libStdCxx != null && Contains(File.ReadAllBytes(libStdCxx), Encoding.ASCII.GetBytes(MissingVersion + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, "{0} provides {1}: libLibTorchSharp.so loads unpatched.", libStdCxx, MissingVersion);
            return true;
        }

        var patched = new System.Collections.Generic.List<string>();
        foreach (var library in libraries)
        {
            try
            {
                if (PatchFile(library)) patched.Add(library);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                Log.LogError("Could not make {0} loadable without {1}: {2}", library, MissingVersion, e.Message);
            }
        }
        foreach (var file in patched)
            Log.LogMessage(MessageImportance.Normal, "Marked {0} weak in {1} (host libstdc++ lacks it).", MissingVersion, file);
        PatchedFiles = string.Join(";", patched);
        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns true when the file was changed; false when it already was in the patched state.</summary>
    static bool PatchFile(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("expected a 64-bit little-endian ELF file");

        long sectionTable = (long)U64(elf, 0x28);
        int sectionSize = U16(elf, 0x3A);
        int sectionCount = U16(elf, 0x3C);
        bool versionWeakened = false, symbolWeakened = false, changed = false;

        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionTable + (long)i * sectionSize;
            uint type = U32(elf, header + 4);
            if (type != ShtDynsym && type != ShtGnuVerneed) continue;
            long offset = (long)U64(elf, header + 0x18);
            long size = (long)U64(elf, header + 0x20);
            uint link = U32(elf, header + 0x28);
            long strings = (long)U64(elf, sectionTable + (long)link * sectionSize + 0x18);

            if (type == ShtGnuVerneed)
            {
                // Elf64_Verneed { vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32 }
                // Elf64_Vernaux { vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32 }
                long need = offset;
                while (true)
                {
                    long aux = need + U32(elf, need + 8);
                    for (int a = 0; a < U16(elf, need + 2); a++)
                    {
                        if (CString(elf, strings + U32(elf, aux + 8)) == MissingVersion)
                        {
                            ushort flags = U16(elf, aux + 4);
                            if ((flags & VerFlgWeak) == 0) { W16(elf, aux + 4, (ushort)(flags | VerFlgWeak)); changed = true; }
                            versionWeakened = true;
                        }
                        aux += U32(elf, aux + 12);
                    }
                    uint next = U32(elf, need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            else
            {
                // Elf64_Sym { st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64 }
                for (long sym = offset; sym + 24 <= offset + size; sym += 24)
                {
                    if (CString(elf, strings + U32(elf, sym)) != OnlySymbolOfThatVersion) continue;
                    byte info = elf[sym + 4];
                    byte weak = (byte)((StbWeak << 4) | (info & 0xf));
                    if (info != weak) { elf[sym + 4] = weak; changed = true; }
                    symbolWeakened = true;
                }
            }
        }

        // A build of TorchSharp that no longer needs the version has nothing to patch.
        if (!versionWeakened) return false;
        if (!symbolWeakened)
            throw new InvalidDataException("it requires " + MissingVersion + " but has no symbol " + OnlySymbolOfThatVersion + "; this TorchSharp build needs a newer libstdc++");
        if (!changed) return false;

        // Temp file then rename: a crash never leaves a half-written library, and a hard link into the
        // NuGet cache (if the copy step made one) is replaced rather than edited.
        // The original timestamp is kept so the next incremental build's copy step sees an unchanged file.
        var temp = path + ".patching";
        var stamp = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(temp, elf);
        File.SetLastWriteTimeUtc(temp, stamp);
        File.Replace(temp, path, null);
        return true;
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack[i] != needle[0]) continue;
            int j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    static string CString(byte[] b, long at)
    {
        long end = at;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
    }

    static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);
    static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)at);
    static ulong U64(byte[] b, long at) => BitConverter.ToUInt64(b, (int)at);
    static void W16(byte[] b, long at, ushort v) { b[at] = (byte)v; b[at + 1] = (byte)(v >> 8); }
}
