using System.Text;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Tests.Text;

/// <summary>Fortune-style record files: records between <c>%</c> lines, each file a category, read as a stream.</summary>
public sealed class CategorizedCorpusTests : CorpusFolder
{
    private static readonly WordTokenizer Tokenizer = new();

    [Fact]
    public void Records_are_the_trimmed_text_between_separator_lines_with_the_line_they_start_on_and_their_file()
    {
        var art = Write("fortunes/art", "A penny saved\r\nis a penny earned.\r\n%\r\n\r\n%\r\n\r\n  Look before\nyou leap.  \n%\n");
        var zen = Write("fortunes/zen", "%\nNo separator after the last record");
        Write("fortunes/art.dat", "index bytes, skipped");
        Write("fortunes/zen.u8", "a link, skipped");

        var records = CategorizedCorpus.Records(Path.Combine(Root, "fortunes")).ToList();

        records.Should().Equal(
            new TextRecord("A penny saved\nis a penny earned.", "art", 1, art),
            new TextRecord("Look before\nyou leap.", "art", 7, art),
            new TextRecord("No separator after the last record", "zen", 2, zen));
        CategorizedCorpus.Records(zen).Should().ContainSingle().Which.Label.Should().BeNull("a single file is not a category of others");
        CategorizedCorpus.Load(Path.Combine(Root, "fortunes"), Tokenizer, ["zen"]).Should().ContainSingle().Which.Category.Should().Be("zen");
    }

    [Fact]
    public void A_file_without_records_or_not_utf8_and_a_missing_path_are_named()
    {
        var empty = Write("empty/art", "%\n\n%\n");
        FluentActions.Invoking(() => CategorizedCorpus.Records(Path.Combine(Root, "empty")).ToList()).Should().Throw<DataException>()
            .WithMessage($"{empty}: no records separated by '%' lines in the file.");
        var bad = WriteBytes("bad/art", [.. Encoding.UTF8.GetBytes("fine\n%\nnot "), 0xFF]);
        FluentActions.Invoking(() => CategorizedCorpus.Load(Path.Combine(Root, "bad"), Tokenizer)).Should().Throw<DataException>()
            .WithMessage($"{bad}: line 3: expected UTF-8 text, received the byte 0xFF*");
        FluentActions.Invoking(() => CategorizedCorpus.Records(Path.Combine(Root, "gone"))).Should().Throw<DataException>()
            .WithMessage("*gone: not found: expected a folder of record files*");
        FluentActions.Invoking(() => CategorizedCorpus.Load(Path.Combine(Root, "bad"), Tokenizer, ["art", "zen"])).Should().Throw<DataException>()
            .WithMessage("*no record file for the categories zen; found art.");
    }
}
