using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.IO;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length, a JSON header mapping each tensor name to its dtype, shape and byte range, then the raw
/// little-endian data. Any safetensors reader (Python's <c>safetensors.torch.load_file</c>, for one) opens what
/// this writes. Written here because no maintained .NET package for it is served to this project.
/// Supported dtypes: F32, F64, BF16, F16, I64, I32, U8.
/// </summary>
public static class SafeTensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>
    /// Writes <paramref name="tensors"/> (in name order, contiguous copies taken on the CPU) and string
    /// <paramref name="metadata"/> to <paramref name="path"/>, atomically.
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var name in tensors.Keys.Order(StringComparer.Ordinal))
        {
            var bytes = ToBytes(tensors[name]);
            header[name] = new JsonObject
            {
                ["dtype"] = SafeTensorsDtype.Name(tensors[name].dtype),
                ["shape"] = new JsonArray(tensors[name].shape.Select(d => (JsonNode?)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format pads the header with spaces to a multiple of 8 so the data that follows is aligned.
        var padded = (json.Length + 7) / 8 * 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++)
                stream.WriteByte((byte)' ');
            foreach (var blob in blobs)
                stream.Write(blob);
        });
    }

    /// <summary>
    /// Reads every tensor of <paramref name="path"/> onto the CPU. Throws <see cref="DataException"/> naming the file
    /// for a truncated file, a malformed header, an unsupported dtype or a byte range that disagrees with the shape.
    /// </summary>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
            throw new DataException(path, $"not a safetensors file: {bytes.Length} bytes, expected at least an 8-byte header length.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
            throw new DataException(path, $"not a safetensors file or truncated: header length {headerLength} but the file has {bytes.Length} bytes.");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength)) as JsonObject
                ?? throw new DataException(path, "safetensors header is not a JSON object.");
            // JsonObject indexes its members lazily: a duplicate name surfaces on first use, so force it here.
            _ = header.Count;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new DataException(path, $"safetensors header is not valid JSON: {e.Message}", e);
        }

        var dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    ReadMetadata(path, node, metadata);
                    continue;
                }
                tensors[name] = ReadTensor(path, name, node, bytes, dataStart);
            }
        }
        catch
        {
            foreach (var tensor in tensors.Values)
                tensor.Dispose();
            throw;
        }
        return new SafeTensorsContent(tensors, metadata);
    }

    private static void ReadMetadata(string path, JsonNode? node, Dictionary<string, string> metadata)
    {
        try
        {
            foreach (var (key, value) in node as JsonObject ?? [])
                metadata[key] = value?.GetValue<string>() ?? "";
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new DataException(path, "safetensors __metadata__: expected an object of strings.", e);
        }
    }

    private static Tensor ReadTensor(string path, string name, JsonNode? node, byte[] bytes, long dataStart)
    {
        try
        {
            var dtype = SafeTensorsDtype.Parse(node!["dtype"]!.GetValue<string>())
                ?? throw new DataException(path, $"tensor '{name}': unsupported dtype '{node!["dtype"]}'; supported: {SafeTensorsDtype.Supported}.");
            var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var dataBytes = bytes.Length - dataStart;
            // Sizes come from the file: multiply with overflow checks, and allocate only what the file's bytes back.
            if (!ShapeSize.TryByteCount(shape, SafeTensorsDtype.Size(dtype), out var expected))
                throw new DataException(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] of {SafeTensorsDtype.Name(dtype)} is not a valid size (negative or over 2^63 bytes).");
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataBytes || offsets[1] - offsets[0] != expected)
                throw new DataException(path, $"tensor '{name}': byte range [{string.Join(", ", offsets)}] does not hold {SafeTensorsDtype.Name(dtype)} [{string.Join(", ", shape)}] ({expected} bytes) within the file's {dataBytes} data bytes.");
            var tensor = empty(shape, dtype);
            var span = bytes.AsSpan((int)(dataStart + offsets[0]), (int)expected);
            span.CopyTo(tensor.bytes);
            return tensor.DetachFromDisposeScope();
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or JsonException or OverflowException)
        {
            throw new DataException(path, $"tensor '{name}': malformed header entry (expected dtype, shape and data_offsets).", e);
        }
    }

    private static byte[] ToBytes(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        return cpu.bytes.ToArray();
    }
}
