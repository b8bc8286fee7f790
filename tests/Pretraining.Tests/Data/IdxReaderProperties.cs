using System.Buffers.Binary;
using CsCheck;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Tests.Support;

namespace Pretrain.Pretraining.Tests.Data;

/// <summary>Random IDX magic numbers, dimensions, truncations and gzip damage: every malformed file ends in a <see cref="DataException"/>.</summary>
public sealed class IdxReaderProperties : TempFolder
{
    private static readonly Gen<int> Dimension = Gen.Frequency((8, Gen.Int[0, 6]), (1, Gen.OneOf(-1, int.MinValue, 1 << 30, int.MaxValue)), (1, Gen.Int));

    private static readonly Gen<byte[]> File = Gen.Select(Gen.OneOf<byte>(0x08, 0x08, 0x08, 0x09, 0x0d), Dimension.Array[0, 5], Gen.Byte.Array[0, 96],
        Gen.Int[0, 5], Gen.Double[0, 1],
        (type, dimensions, data, form, cut) =>
        {
            // Form 0 is a consistent file when the dimensions are small: exactly as many data bytes as they need.
            if (form == 0 && dimensions.All(d => d is >= 0 and <= 6))
                data = new byte[dimensions.Aggregate(1, (a, d) => a * d)];
            var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
            bytes[2] = type;
            bytes[3] = (byte)dimensions.Length;
            for (var i = 0; i < dimensions.Length; i++)
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dimensions[i]);
            data.CopyTo(bytes, 4 + 4 * dimensions.Length);
            if (form == 1)
                bytes[0] = 1;
            return form switch
            {
                2 => bytes[..(int)(bytes.Length * cut)],
                3 => IdxFiles.Gzip(bytes),
                4 => IdxFiles.Gzip(bytes) is var gz ? gz[..(int)(gz.Length * cut)] : bytes,
                _ => bytes,
            };
        });

    [Fact]
    public void Any_magic_dimensions_truncation_or_gzip_damage_is_read_or_refused_with_a_data_exception_naming_the_file()
    {
        var path = PathOf("random-idx3-ubyte");
        var read = 0;
        File.Sample(bytes =>
        {
            // A gzip file may inflate to at most ~1000 times its size; these inflate to a few hundred bytes.
            if (MalformedFiles.ReadsOrRefuses(path, bytes, p =>
                {
                    var array = IdxReader.Read(p);
                    array.Data.LongLength.Should().Be(array.Dimensions.Aggregate(1L, (a, d) => a * d));
                }, expansion: 8))
                Interlocked.Increment(ref read);
        }, iter: 400, threads: 1);
        read.Should().BeGreaterThan(0, "some generated files are well formed, so the property is not vacuous");
    }

    [Fact]
    public void Dimensions_whose_product_overflows_64_bits_are_refused()
    {
        var path = PathOf("overflow-idx3-ubyte");
        System.IO.File.WriteAllBytes(path, IdxFiles.Bytes(0x08, [int.MaxValue, int.MaxValue, int.MaxValue], []));
        FluentActions.Invoking(() => IdxReader.Read(path)).Should().Throw<DataException>().Which.Message.Should().Contain(path).And.Contain("more than 2^63");
    }
}
