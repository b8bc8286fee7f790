using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class LineCorpusTests : CorpusFolder
{
    private static readonly WordTokenizer Tokenizer = new();

    [Fact]
    public void One_file_gives_one_document_per_non_blank_line_under_the_file_name()
    {
        var path = Write("news.txt", "First line here\r\n\r\n  second one\nthird\n");
        var documents = LineCorpus.Load(path, Tokenizer);
        documents.Select(d => d.Words.Count).Should().Equal(3, 2, 1);
        documents.Should().OnlyContain(d => d.Category == "news");
        LineCorpus.Load(path, Tokenizer, minWords: 2).Should().HaveCount(2);
    }

    [Fact]
    public void A_folder_of_txt_files_gives_one_category_per_file()
    {
        Write("corpus/positive.txt", "great film\nloved it\n");
        Write("corpus/negative.txt", "dull\n");
        Write("corpus/README.md", "not a category\n");
        var documents = LineCorpus.Load(Path.Combine(Root, "corpus"), Tokenizer);
        documents.Select(d => d.Category).Should().Equal("negative", "positive", "positive");
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_named_by_line()
    {
        var path = WriteBytes("bad.txt", [(byte)'o', (byte)'k', (byte)'\n', (byte)'f', (byte)'i', (byte)'n', (byte)'e', (byte)'\n', 0x41, 0xFF, 0x42, (byte)'\n']);
        var act = () => LineCorpus.Load(path, Tokenizer);
        act.Should().Throw<DataException>().WithMessage("*bad.txt: line 3: expected UTF-8 text, received the byte 0xFF, which is not UTF-8.");
    }

    [Fact]
    public void Missing_files_empty_files_and_folders_without_txt_files_are_named()
    {
        FluentActions.Invoking(() => LineCorpus.Load(Path.Combine(Root, "missing.txt"), Tokenizer))
            .Should().Throw<DataException>().WithMessage("*missing.txt: file not found.");
        FluentActions.Invoking(() => LineCorpus.Load(Write("blank.txt", "\n \n"), Tokenizer))
            .Should().Throw<DataException>().WithMessage("*blank.txt: empty file*");
        Directory.CreateDirectory(Path.Combine(Root, "nothing"));
        FluentActions.Invoking(() => LineCorpus.Load(Path.Combine(Root, "nothing"), Tokenizer))
            .Should().Throw<DataException>().WithMessage("*nothing: no .txt files*");
    }
}
