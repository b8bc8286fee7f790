using System.Buffers.Binary;
using System.Text;
using CsCheck;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Tests.Support;

namespace Pretrain.Pretraining.Tests.IO;

/// <summary>Random headers, shapes, byte ranges and truncations: every malformed safetensors file ends in a <see cref="DataException"/>.</summary>
public sealed class SafeTensorsFileProperties : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-st-prop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Sizes that matter: small ones, zero, negatives, and ones whose products overflow 64 bits.</summary>
    private static readonly Gen<long> Size = Gen.Frequency(
        (6, Gen.Long[0, 6]), (1, Gen.Long[-4, -1]), (1, Gen.OneOf(1L << 31, 1L << 32, 1L << 61, 1L << 62, 1L << 63 - 1, long.MaxValue)),
        (1, Gen.Long[0, long.MaxValue]));

    private static readonly Gen<string> Entry =
        Gen.Select(Gen.OneOf("\"F32\"", "\"F64\"", "\"BF16\"", "\"I64\"", "\"U8\"", "\"Q4\"", "7", "null"),
            Size.Array[0, 4], Size.Array[0, 3], Gen.Int[0, 5],
            (dtype, shape, offsets, form) => form switch
            {
                0 => $"{{\"dtype\":{dtype},\"shape\":\"{string.Join(",", shape)}\",\"data_offsets\":[{string.Join(",", offsets)}]}}",
                1 => $"{{\"dtype\":{dtype},\"data_offsets\":[{string.Join(",", offsets)}]}}",
                2 => $"[{dtype}]",
                _ => $"{{\"dtype\":{dtype},\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{string.Join(",", offsets)}]}}",
            });

    /// <summary>
    /// One or two tensors whose byte ranges follow each other from 0 and hold exactly their shapes (at most 72 bytes), so a
    /// fair share of the files is well formed; without it, whether any of 400 random headers is readable was left to
    /// chance, and sometimes none was.
    /// </summary>
    private static readonly Gen<string> WellFormedHeader =
        Gen.Select(Gen.OneOf(("F32", 4L), ("F64", 8L), ("BF16", 2L), ("I64", 8L), ("U8", 1L)), Gen.Long[0, 3].Array[0, 2]).Array[1, 2]
            .Select(tensors =>
            {
                var (start, entries) = (0L, new List<string>());
                foreach (var ((dtype, size), shape) in tensors)
                {
                    var end = start + size * shape.Aggregate(1L, (product, n) => product * n);
                    entries.Add($"\"w{entries.Count}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{start},{end}]}}");
                    start = end;
                }
                return "{" + string.Join(",", entries) + "}";
            });

    private static readonly Gen<string> Header = Gen.Frequency(
        (3, WellFormedHeader),
        (8, Entry.Array[1, 3].Select(entries => "{" + string.Join(",", entries.Select((e, i) => $"\"t{i}\":{e}")) + "}")),
        (1, Entry.Select(e => $"{{\"a\":{e},\"a\":{e}}}")),
        (1, Gen.OneOf("{\"__metadata__\":{\"k\":5}}", "{\"__metadata__\":[1]}", "[]", "null", "{", "{\"t\":1.5e400}", "\"text\"")),
        (1, Gen.String[0, 20]));

    /// <summary>The file: header length, header, random data bytes; then maybe cut short, maybe with a lying length.</summary>
    private static readonly Gen<byte[]> File = Gen.Select(Header, Gen.Byte.Array[0, 96], Gen.Int[0, 3], Gen.Long[0, long.MaxValue], Gen.Double[0, 1],
        (header, data, lengthForm, lie, cut) =>
        {
            var json = Encoding.UTF8.GetBytes(header);
            var bytes = new byte[8 + json.Length + data.Length];
            var length = lengthForm == 0 ? (ulong)lie : (ulong)json.Length;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            json.CopyTo(bytes, 8);
            data.CopyTo(bytes, 8 + json.Length);
            return lengthForm == 1 ? bytes[..(int)(bytes.Length * cut)] : bytes;
        });

    [Fact]
    public void Any_header_shape_offsets_or_truncation_is_read_or_refused_with_a_data_exception_naming_the_file()
    {
        var path = Path.Combine(_folder, "random.safetensors");
        var read = 0;
        File.Sample(bytes =>
        {
            if (MalformedFiles.ReadsOrRefuses(path, bytes, p =>
                {
                    using var content = SafeTensorsFile.Read(p);
                    content.Tensors.Values.Sum(t => t.NumberOfElements * t.ElementSize).Should().BeLessThanOrEqualTo(bytes.Length);
                }))
                Interlocked.Increment(ref read);
        }, iter: 400, threads: 1);
        read.Should().BeGreaterThan(0, "some generated files are well formed, so the property is not vacuous");
    }

    [Fact]
    public void A_shape_whose_byte_count_overflows_64_bits_is_refused_before_any_allocation()
    {
        var path = Path.Combine(_folder, "overflow.safetensors");
        var json = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,1],\"data_offsets\":[0,0]}}");
        var bytes = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        System.IO.File.WriteAllBytes(path, bytes);

        FluentActions.Invoking(() => SafeTensorsFile.Read(path)).Should().Throw<DataException>()
            .Which.Message.Should().Contain(path).And.Contain("tensor 'w'").And.Contain("[4611686018427387904, 1]");
    }
}
