using System.Text;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class FolderCorpusTests : CorpusFolder
{
    private static readonly WordTokenizer Tokenizer = new();

    [Fact]
    public void Each_txt_file_is_one_document_labelled_with_its_folder()
    {
        Write("root/cats/a.txt", "Cats purr.\nThey sleep all day.");
        Write("root/cats/b.TXT", "Whiskers");
        Write("root/cats/notes.md", "skipped");
        Write("root/dogs/c.txt", "Dogs bark loudly");
        Write("root/.hidden/d.txt", "skipped too");
        var documents = FolderCorpus.Load(Path.Combine(Root, "root"), Tokenizer);
        documents.Select(d => d.Category).Should().Equal("cats", "cats", "dogs");
        documents[0].Words.Should().Equal("cats", "purr", "they", "sleep", "all", "day");
        FolderCorpus.Load(Path.Combine(Root, "root"), Tokenizer, minWords: 2).Should().HaveCount(2);
    }

    [Fact]
    public void Records_name_their_files_and_a_root_without_category_folders_gives_unlabelled_documents()
    {
        var a = Write("root/cats/a.txt", "Cats purr.");
        Write("root/urls.txt", "a list beside the category folders, not a document");
        FolderCorpus.Records(Path.Combine(Root, "root")).Should().Equal(new TextRecord("Cats purr.", "cats", 1, a));

        var flat = Write("flat/one.txt", "A lone document");
        FolderCorpus.Records(Path.Combine(Root, "flat")).Should().Equal(new TextRecord("A lone document", null, 1, flat));
        FluentActions.Invoking(() => FolderCorpus.Load(Path.Combine(Root, "flat"), Tokenizer)).Should().Throw<DataException>()
            .WithMessage("*flat: no category folders*", "training needs the categories");
        Directory.CreateDirectory(Path.Combine(Root, "bare"));
        FluentActions.Invoking(() => FolderCorpus.Records(Path.Combine(Root, "bare"))).Should().Throw<DataException>()
            .WithMessage("*bare: no category folders and no .txt files*");
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_named_with_its_line()
    {
        Write("root/cats/a.txt", "fine");
        var bytes = Encoding.UTF8.GetBytes("line one\nline two\nline \u00e9").Concat(new byte[] { 0xC3 }).ToArray();
        WriteBytes("root/dogs/bad.txt", bytes);
        var act = () => FolderCorpus.Load(Path.Combine(Root, "root"), Tokenizer);
        act.Should().Throw<DataException>().WithMessage("*bad.txt: line 3: expected UTF-8 text, received the byte 0xC3*");
    }

    [Fact]
    public void Missing_roots_roots_without_folders_and_empty_category_folders_are_named()
    {
        FluentActions.Invoking(() => FolderCorpus.Load(Path.Combine(Root, "none"), Tokenizer))
            .Should().Throw<DataException>().WithMessage("*none: text folder not found*");
        Write("flat/a.txt", "no category folder");
        FluentActions.Invoking(() => FolderCorpus.Load(Path.Combine(Root, "flat"), Tokenizer))
            .Should().Throw<DataException>().WithMessage("*flat: no category folders*");
        Write("root/cats/a.md", "not text");
        FluentActions.Invoking(() => FolderCorpus.Load(Path.Combine(Root, "root"), Tokenizer))
            .Should().Throw<DataException>().WithMessage("*cats: no .txt files in the category folder*");
    }
}
