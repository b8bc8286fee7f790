using Pretrain.Pretraining.Data;

namespace Pretrain.Pretraining.Tests.Data;

public sealed class TextCorpusReaderTests : TempFolder
{
    private string Text(string text) => IdxFiles.Write(PathOf("corpus.txt"), System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Fortune_style_records_are_split_on_percent_lines()
    {
        var records = TextCorpusReader.ReadRecords(Text("A penny saved\nis a penny earned.\n%\n\n%\nLook before\nyou leap.\n%\n"));
        records.Should().Equal("A penny saved\nis a penny earned.", "Look before\nyou leap.");
    }

    [Fact]
    public void Lines_are_trimmed_and_blank_ones_skipped()
    {
        TextCorpusReader.ReadLines(Text("  one \n\n two\r\n")).Should().Equal("one", "two");
    }

    [Fact]
    public void Empty_or_missing_files_are_reported()
    {
        var empty = () => TextCorpusReader.ReadLines(Text(""));
        empty.Should().Throw<DataException>().WithMessage("*corpus.txt: empty file.");
        var onlySeparators = () => TextCorpusReader.ReadRecords(Text("%\n%\n"));
        onlySeparators.Should().Throw<DataException>().WithMessage("*corpus.txt: no records*");
        var missing = () => TextCorpusReader.ReadLines(PathOf("gone.txt"));
        missing.Should().Throw<DataException>().WithMessage("*gone.txt: file not found.");
    }
}
