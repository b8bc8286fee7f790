using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1 to 3): C-order arrays of float32, float64, uint8, int32 or int64,
/// little-endian. Written here because no maintained .NET reader is served to this project; the format is a short
/// magic string, a Python-dict header and the raw values.
/// </summary>
public static partial class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads <paramref name="path"/>.</summary>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Loads features [N, ...] and optional labels [N] into a <see cref="Dataset"/> (features flattened per example).</summary>
    public static Dataset LoadLabeled(string featuresPath, string? labelsPath) =>
        ToDataset(Read(featuresPath), labelsPath is null ? null : Read(labelsPath), Path.GetFileName(featuresPath));

    /// <summary>The dtype descriptor of the .npy file <paramref name="path"/> (e.g. <c>|u1</c>), from its header alone.</summary>
    public static string ReadDtype(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        using var stream = File.OpenRead(path);
        return ReadDtype(stream, path);
    }

    /// <summary>The dtype descriptor from the header at the start of <paramref name="stream"/>.</summary>
    internal static string ReadDtype(Stream stream, string source)
    {
        // The header (at most 65,535 bytes in version 1, as short in practice in later ones) comes before any data.
        var start = new byte[12 + ushort.MaxValue];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (read < 10 || !start.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DataException(source, "not a NumPy .npy file (missing the \\x93NUMPY magic string).");
        var header = Encoding.Latin1.GetString(start, 10, read - 10);
        return Field(DescrPattern(), header, source, "descr");
    }

    /// <summary>Parses the bytes of a .npy file; <paramref name="source"/> names it in errors.</summary>
    public static NpyArray Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var layout = ReadLayout(bytes, bytes.Length, source);
        return new NpyArray(layout.Shape, layout.Descr, bytes[(int)layout.DataStart..(int)(layout.DataStart + layout.DataBytes)], source);
    }

    /// <summary>
    /// Reads only the header of the .npy file at <paramref name="path"/> (its values stay on disk, e.g. to be memory
    /// mapped): shape, dtype and where the values start. The file must hold at least the bytes the shape needs.
    /// </summary>
    public static NpyHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        using var stream = File.OpenRead(path);
        // Version 1 headers are at most 65,535 bytes and ours are 64; read enough for any header a writer makes.
        var prefix = new byte[(int)Math.Min(stream.Length, 1 << 17)];
        stream.ReadExactly(prefix);
        var layout = ReadLayout(prefix, stream.Length, path);
        return new NpyHeader(layout.Shape, layout.Descr, layout.DataStart, layout.DataBytes, stream.Length);
    }

    /// <summary>
    /// Where the header of a .npy file ends (its data starts), from the file's first bytes (<paramref name="preamble"/>:
    /// 12 or more, or the whole file when shorter) and its length: the magic string, version and header length checked.
    /// </summary>
    internal static long HeaderEnd(ReadOnlySpan<byte> preamble, long fileLength, string source)
    {
        if (fileLength == 0)
            throw new DataException(source, "empty file.");
        if (preamble.Length < 10 || !preamble[..6].SequenceEqual(Magic))
            throw new DataException(source, "not a NumPy .npy file (missing the \\x93NUMPY magic string).");
        var major = preamble[6];
        var (headerLength, headerStart) = major switch
        {
            1 => ((long)BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]), 10),
            2 or 3 when preamble.Length >= 12 => ((long)BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]), 12),
            2 or 3 => throw new DataException(source, "truncated .npy header."),
            _ => throw new DataException(source, $"unsupported .npy format version {major}; expected 1, 2 or 3."),
        };
        if (headerStart + headerLength > fileLength)
            throw new DataException(source, $"truncated .npy header: it declares {headerLength} bytes, the file has {fileLength - headerStart} after the preamble.");
        return headerStart + headerLength;
    }

    /// <summary>
    /// The shape, dtype and data extent of a .npy file of <paramref name="fileLength"/> bytes from its first bytes
    /// (<paramref name="prefix"/>: at least up to <see cref="HeaderEnd"/>); the data must fit in the file.
    /// </summary>
    internal static NpyLayout ReadLayout(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        var dataStart = HeaderEnd(prefix, fileLength, source);
        var headerStart = prefix[6] == 1 ? 10 : 12;
        var header = Encoding.UTF8.GetString(prefix[headerStart..(int)dataStart]);
        var descr = Field(DescrPattern(), header, source, "descr");
        if (Field(FortranPattern(), header, source, "fortran_order") == "True")
            throw new DataException(source, "Fortran-order arrays are not supported; save with numpy.ascontiguousarray(a).");
        var shapeText = Field(ShapePattern(), header, source, "shape");
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : throw new DataException(source, $"malformed .npy header: shape ({shapeText}) must list non-negative integers."))
            .ToArray();
        var size = ElementSize(descr, source);
        var actual = fileLength - dataStart;
        // The shape comes from the file: multiply with overflow checks before trusting it with an allocation.
        if (!ShapeSize.TryByteCount(shape, size, out var expected) || actual < expected)
            throw new DataException(source, $"truncated data: shape ({shapeText}) of {descr} needs {(expected < 0 ? "more than 2^63" : expected.ToString(CultureInfo.InvariantCulture))} bytes, the file has {actual}.");
        return new NpyLayout(shape, descr, size, dataStart, expected);
    }

    /// <summary>The TorchSharp type of a NumPy dtype descriptor.</summary>
    internal static ScalarType ScalarTypeOf(string descr) => descr switch
    {
        "<f4" => ScalarType.Float32,
        "<f8" => ScalarType.Float64,
        "|u1" or "<u1" => ScalarType.Byte,
        "<i4" => ScalarType.Int32,
        "<i8" => ScalarType.Int64,
        _ => throw new ArgumentException($"unsupported dtype {descr}", nameof(descr)),
    };

    internal static Dataset ToDataset(NpyArray features, NpyArray? labels, string source)
    {
        if (features.Shape.Count < 2)
            throw new DataException(features.Source, $"expected features of shape [N, ...], received [{string.Join(", ", features.Shape)}].");
        using var scope = NewDisposeScope();
        var x = features.ToFloatTensor().reshape(features.Shape[0], features.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)); // [N, ...] -> [N, D]; sizes checked when read
        var y = Labels(labels, features.Shape[0]);
        return new Dataset(x.MoveToOuterDisposeScope(), y?.MoveToOuterDisposeScope(), features.Shape.Skip(1).ToArray(), source);
    }

    /// <summary>The labels of <paramref name="count"/> examples as int64 [N]: one non-negative integer per example.</summary>
    internal static Tensor? Labels(NpyArray? labels, long count)
    {
        if (labels is null)
            return null;
        if (labels.Shape.Count != 1 || labels.Shape[0] != count)
            throw new DataException(labels.Source, $"expected {count} labels of shape [N], received [{string.Join(", ", labels.Shape)}].");
        using var scope = NewDisposeScope();
        var y = labels.ToInt64Tensor();
        if (y.numel() > 0 && y.min().item<long>() < 0)
            throw new DataException(labels.Source, "labels must be non-negative.");
        return y.MoveToOuterDisposeScope();
    }

    private static int ElementSize(string descr, string source) => descr switch
    {
        "<f4" or "<i4" => 4,
        "<f8" or "<i8" => 8,
        "|u1" or "<u1" => 1,
        _ when descr.StartsWith('>') => throw new DataException(source, $"big-endian dtype {descr} is not supported; convert with a.astype(a.dtype.newbyteorder('<'))."),
        _ => throw new DataException(source, $"unsupported dtype {descr}; expected float32 (<f4), float64 (<f8), uint8 (|u1), int32 (<i4) or int64 (<i8)."),
    };

    private static string Field(Regex pattern, string header, string source, string name)
    {
        var match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value : throw new DataException(source, $"malformed .npy header: no '{name}' in {header.Trim()}");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
