using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data.Shards;

public sealed class ReaderConversionTests : TempFolder
{
    [Fact]
    public void A_csv_file_is_streamed_into_shards_in_batches_and_holds_what_the_in_memory_reader_reads()
    {
        var path = PathOf("table.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine("a,b,label,c");
            for (var i = 0; i < 20_000; i++)
                writer.WriteLine($"{i * 0.5},{-i},{i % 7},{i % 3 * 0.25}");
        }
        var options = new CsvOptions { LabelColumn = "label" };
        using var reader = new CountingReader(CsvExampleReader.Open(path, options));

        var manifest = ShardConversion.FromReader(reader, PathOf("shards"), rowsPerShard: 6000);

        reader.LargestBatch.Should().BeLessThan(20_000, "the file is read a batch at a time, never whole");
        reader.Batches.Should().BeGreaterThan(1);
        manifest.Shards.Select(s => s.Rows).Should().Equal(6000, 6000, 6000, 2000);
        manifest.ClassCount.Should().Be(7);
        using var fromShards = ShardSet.Open(PathOf("shards"), verifyChecksums: true).ReadAll();
        using var direct = CsvReader.Read(path, options);
        fromShards.Features.equal(direct.Features).all().item<bool>().Should().BeTrue();
        fromShards.Labels!.equal(direct.Labels!).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_shape_that_does_not_hold_a_row_is_refused_naming_the_file_and_values_that_are_not_finite_too()
    {
        var path = PathOf("rows.csv");
        File.WriteAllLines(path, ["1,2,3,4", "5,6,7,8"]);
        using (var reader = CsvExampleReader.Open(path))
        {
            var reshaped = ShardConversion.FromReader(reader, PathOf("square"), rowsPerShard: 10, sampleShape: [2, 2]);
            reshaped.SampleShape.Should().Equal(2, 2);
        }
        using (var reader = CsvExampleReader.Open(path))
        {
            var wrong = () => ShardConversion.FromReader(reader, PathOf("wrong"), rowsPerShard: 10, sampleShape: [3, 3]);
            wrong.Should().Throw<DataException>().WithMessage("*rows.csv*[3, 3] hold 9 values*has 4*");
        }

        var nan = PathOf("nan.csv");
        File.WriteAllLines(nan, ["1,2", "NaN,3"]);
        using (var reader = CsvExampleReader.Open(nan))
        {
            var refused = () => ShardConversion.FromReader(reader, PathOf("nan"), rowsPerShard: 10);
            refused.Should().Throw<DataException>().WithMessage("*nan.csv*");
        }
    }

    /// <summary>Passes batches through and records how many rows the largest one held.</summary>
    private sealed class CountingReader(IExampleReader inner) : IExampleReader
    {
        public long LargestBatch { get; private set; }
        public int Batches { get; private set; }
        public string Source => inner.Source;
        public IReadOnlyList<long> SampleShape => inner.SampleShape;
        public bool HasLabels => inner.HasLabels;
        public long ExpectedCount => inner.ExpectedCount;

        public (Tensor Features, Tensor? Labels)? ReadBatch(int maxExamples)
        {
            var batch = inner.ReadBatch(maxExamples);
            if (batch is { } b)
            {
                LargestBatch = Math.Max(LargestBatch, b.Features.shape[0]);
                Batches++;
            }
            return batch;
        }

        public void Dispose() => inner.Dispose();
    }
}
