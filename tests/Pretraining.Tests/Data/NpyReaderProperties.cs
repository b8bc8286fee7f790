using System.Buffers.Binary;
using System.Text;
using CsCheck;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Tests.Support;

namespace Pretrain.Pretraining.Tests.Data;

/// <summary>Random .npy preambles, headers, shapes and truncations: every malformed file ends in a <see cref="DataException"/>.</summary>
public sealed class NpyReaderProperties : TempFolder
{
    private static readonly Gen<string> Dimension = Gen.Frequency(
        (8, Gen.Int[0, 6].Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("-1", "4611686018427387904", "9223372036854775807", "99999999999999999999", "2.5", "x", "")));

    private static readonly Gen<string> HeaderText = Gen.Select(
        Gen.OneOf("<f4", "<f8", "|u1", "<i4", "<i8", ">f4", "<c8"), Gen.Bool.Select(b => b ? "True" : "False"), Dimension.Array[0, 4], Gen.Int[0, 9],
        (descr, fortran, shape, form) => form == 0
            ? $"{{'descr': '{descr}', 'shape': ({string.Join(", ", shape)}), }}"
            : $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}");

    private static readonly Gen<byte[]> File = Gen.Select(HeaderText, Gen.Byte.Array[0, 96], Gen.OneOf<byte>(1, 2, 3, 4), Gen.Int[0, 4], Gen.Double[0, 1],
        (header, data, version, form, cut) =>
        {
            var text = Encoding.ASCII.GetBytes(header);
            var preamble = version == 1 ? 10 : 12;
            var bytes = new byte[preamble + text.Length + data.Length];
            byte[] magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', version, 0];
            magic.CopyTo(bytes, 0);
            if (form == 1)
                bytes[1] = (byte)'X';
            var length = form == 2 ? uint.MaxValue - (uint)data.Length : (uint)text.Length;
            if (version == 1)
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)length);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), length);
            text.CopyTo(bytes, preamble);
            data.CopyTo(bytes, preamble + text.Length);
            return form == 3 ? bytes[..(int)(bytes.Length * cut)] : bytes;
        });

    [Fact]
    public void Any_header_shape_or_truncation_is_read_or_refused_with_a_data_exception_naming_the_file()
    {
        var path = PathOf("random.npy");
        var read = 0;
        File.Sample(bytes =>
        {
            if (MalformedFiles.ReadsOrRefuses(path, bytes, p =>
                {
                    var array = NpyReader.Read(p);
                    array.Data.Length.Should().BeLessThanOrEqualTo(bytes.Length);
                    using var values = array.ToFloatTensor();
                    values.shape.Should().Equal(array.Shape);
                    if (array.Shape.Count >= 2)
                    {
                        using var data = NpyReader.LoadLabeled(p, null);
                        data.Count.Should().Be(array.Shape[0]);
                    }
                }))
                Interlocked.Increment(ref read);
        }, iter: 400, threads: 1);
        read.Should().BeGreaterThan(0, "some generated files are well formed, so the property is not vacuous");
    }

    [Fact]
    public void A_shape_whose_byte_count_overflows_64_bits_is_refused()
    {
        var path = PathOf("overflow.npy");
        System.IO.File.WriteAllBytes(path, NpyFiles.Bytes("<f4", [1L << 62, 2], []));
        FluentActions.Invoking(() => NpyReader.Read(path)).Should().Throw<DataException>().Which.Message.Should().Contain(path).And.Contain("more than 2^63");
    }
}
