using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class TextCorpusTests : CorpusFolder
{
    private static readonly WordTokenizer Tokenizer = new();

    [Fact]
    public void Every_format_reads_the_same_two_documents()
    {
        var expected = new[] { ("animals", "cats purr softly"), ("machines", "engines roar") };
        Write("records/animals", "Cats purr softly\n%\n");
        Write("records/machines", "engines roar\n");
        Write("lines/animals.txt", "cats purr softly\n");
        Write("lines/machines.txt", "engines roar\n");
        Write("folders/animals/1.txt", "cats purr softly");
        Write("folders/machines/1.txt", "engines roar");
        var sources = new (TextCorpusFormat Format, string Path)[]
        {
            (TextCorpusFormat.Records, Path.Combine(Root, "records")),
            (TextCorpusFormat.Csv, Write("c.csv", "label,text\nanimals,cats purr softly\nmachines,\"engines roar\"\n")),
            (TextCorpusFormat.Tsv, Write("c.tsv", "animals\tcats purr softly\nmachines\tengines roar\n")),
            (TextCorpusFormat.Jsonl, Write("c.jsonl", "{\"label\":\"animals\",\"text\":\"cats purr softly\"}\n{\"label\":\"machines\",\"text\":\"engines roar\"}\n")),
            (TextCorpusFormat.Lines, Path.Combine(Root, "lines")),
            (TextCorpusFormat.Folders, Path.Combine(Root, "folders")),
        };
        foreach (var (format, path) in sources)
        {
            var documents = TextCorpus.Load(path, new TextCorpusOptions { Format = format }, Tokenizer);
            documents.Select(d => (d.Category, string.Join(' ', d.Words))).Should().Equal(expected, $"format {format}");
        }
    }

    [Fact]
    public void The_options_reach_the_reader()
    {
        var path = Write("c.jsonl", "{\"tag\":\"a\",\"body\":\"one two\"}\n");
        var options = new TextCorpusOptions { Format = TextCorpusFormat.Jsonl, LabelField = "tag", TextField = "body" };
        TextCorpus.Load(path, options, Tokenizer).Should().ContainSingle().Which.Category.Should().Be("a");
        var wrong = () => TextCorpus.Load(path, options with { TextField = "text" }, Tokenizer);
        wrong.Should().Throw<DataException>().WithMessage("*c.jsonl: line 1: expected a string field \"text\"*");
    }
}
