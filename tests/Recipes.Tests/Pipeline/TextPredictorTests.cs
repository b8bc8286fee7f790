using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Recipes.Pipeline;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary><c>pretrain predict</c> on a text model reads every document layout the text recipes read, a batch at a time.</summary>
public sealed class TextPredictorTests : IDisposable
{
    private static readonly string[] Documents = ["the cat and the dog", "a disk, a cable", "zebra", "the cow and the kernel and the dog"];
    private readonly string _folder = Directory.CreateTempSubdirectory("text-predict-").FullName;
    private readonly SavedTextClassifier _model;

    public TextPredictorTests()
    {
        var tokenizer = new WordTokenizer();
        var vocabulary = Vocabulary.Build(new[] { "the cat and the dog", "a cow", "the disk and the cpu", "a kernel, a cable" }.Select(tokenizer.Tokenize), maxSize: 30);
        using var generator = new Generator(3);
        var spec = new EncoderSpec { Inputs = 3, VocabularySize = vocabulary.Count, EmbeddingSize = 4, HiddenLayers = [5], Activation = EncoderActivation.Tanh };
        using var classifier = new DocumentClassifier(new AuxiliaryEncoder(spec, CPU, generator), 2, CPU, generator, DocumentPooling.MaxWindows);
        SavedTextClassifierWriter.Save(classifier, vocabulary, 8, ["animals", "machines"], Path.Combine(_folder, "network.safetensors"));
        _model = SavedTextClassifier.Load(_folder);
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string File(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    private (string[] Rows, PredictionSummary Summary) Predict(TextPredictionSource source, int batchSize = 3)
    {
        var output = Path.Combine(_folder, "predictions.csv");
        var summary = TextPredictor.Predict(_model, source, output, batchSize: batchSize);
        return (System.IO.File.ReadAllLines(output), summary);
    }

    /// <summary>The probability columns the model gives <see cref="Documents"/>, as the CSV writes them.</summary>
    private string[] Expected() => _model.PredictText(Documents)
        .Select(p => string.Join(",", p.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))).ToArray();

    private static string[] Probabilities(string[] rows) => rows.Skip(1).Select(r => string.Join(",", r.Split(',')[1..3])).ToArray();

    [Fact]
    public void Every_layout_gives_each_document_the_models_probabilities_whatever_the_batch()
    {
        string[] labels = ["animals", "machines", "animals", "animals"];
        var sources = new[]
        {
            PredictionSource.ForText(File("labelled.tsv", ["label\ttext", .. Documents.Select((d, i) => $"{labels[i]}\t{d}")])),
            PredictionSource.ForText(File("plain.csv", [.. Documents.Select(d => $"\"{d}\"")])),
            PredictionSource.ForText(File("columns.csv", ["id,body", .. Documents.Select((d, i) => $"{i},\"{d}\"")]), textColumn: "body"),
            PredictionSource.ForText(File("objects.jsonl", [.. Documents.Select((d, i) => $$"""{"topic": "{{labels[i]}}", "body": "{{d}}"}""")]), labelColumn: "topic", textColumn: "body"),
            PredictionSource.ForText(File("lines.txt", [Documents[0], "", .. Documents[1..]])),
        };
        foreach (var source in sources)
        {
            var (rows, summary) = Predict(source);
            rows.Should().HaveCount(Documents.Length + 1, source.Path);
            Probabilities(rows).Should().Equal(Expected(), source.Path);
            summary.Examples.Should().Be(Documents.Length);
            rows[0].EndsWith(",label", StringComparison.Ordinal).Should().Be(source.HasLabels(), source.Path);
            (summary.Accuracy is not null).Should().Be(source.HasLabels(), source.Path);
        }
        sources.Select(s => s.HasLabels()).Should().Equal(true, false, false, true, false);
    }

    [Fact]
    public void The_accuracy_counts_labelled_documents_and_a_folder_of_lines_is_labelled_by_file_name()
    {
        var folder = Path.Combine(_folder, "by-category");
        File("by-category/animals.txt", Documents[0], Documents[2]);
        File("by-category/machines.txt", Documents[1], Documents[3]);
        var (rows, summary) = Predict(PredictionSource.ForText(folder));
        rows.Skip(1).Select(r => r.Split(',')[^1]).Should().Equal("animals", "animals", "machines", "machines");
        summary.Accuracy.Should().Be(rows.Skip(1).Count(r => r.Split(',')[0] == r.Split(',')[^1]) / 4.0);

        var partly = File("partly.tsv", "animals\tthe cat", "\tthe dog", "machines\tthe disk");
        var (partRows, partSummary) = Predict(PredictionSource.ForText(partly));
        partRows[2].Should().EndWith(",", "a row with an empty label keeps an empty label cell");
        var counted = new[] { partRows[1], partRows[3] }.Count(r => r.Split(',')[0] == r.Split(',')[^1]);
        partSummary.Accuracy.Should().Be(counted / 2.0, "only the two labelled documents count");
    }

    [Fact]
    public void A_label_the_model_does_not_know_names_the_file_and_line_and_nothing_is_written()
    {
        var tsv = File("unknown.tsv", "animals\tthe cat", "machines\tthe disk", "plants\tthe fern");
        var output = Path.Combine(_folder, "never.csv");
        FluentActions.Invoking(() => TextPredictor.Predict(_model, PredictionSource.ForText(tsv), output)).Should().Throw<DataException>()
            .WithMessage($"{tsv}: line 3: label 'plants' is not one of the model's classes (animals, machines).");
        System.IO.File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public void Fortune_style_record_files_are_labelled_by_file_name_and_a_single_record_file_is_not()
    {
        // The fortune files' layout: records between lines holding only %, one file per category, .dat indexes beside them.
        File("fortunes/animals", Documents[0], "%", Documents[2], "%");
        File("fortunes/machines", "%", Documents[1], "", "%", "", Documents[3]);
        System.IO.File.WriteAllBytes(Path.Combine(_folder, "fortunes", "animals.dat"), [0, 1, 2, 255]);
        var folder = PredictionSource.ForText(Path.Combine(_folder, "fortunes"));
        folder.Format.Should().Be(TextCorpusFormat.Records, "a folder of files without extensions holds records");

        var (rows, summary) = Predict(folder);

        rows[0].Should().Be("predicted,p_animals,p_machines,label");
        Probabilities(rows).Should().Equal(Expected()[0], Expected()[2], Expected()[1], Expected()[3]);
        rows.Skip(1).Select(r => r.Split(',')[^1]).Should().Equal("animals", "animals", "machines", "machines");
        summary.Accuracy.Should().Be(rows.Skip(1).Count(r => r.Split(',')[0] == r.Split(',')[^1]) / 4.0);

        var (single, singleSummary) = Predict(PredictionSource.ForText(Path.Combine(_folder, "fortunes", "machines"), "records"));
        single[0].Should().Be("predicted,p_animals,p_machines", "one record file says nothing about its records' classes");
        Probabilities(single).Should().Equal(Expected()[1], Expected()[3]);
        singleSummary.Accuracy.Should().BeNull();
    }

    [Fact]
    public void A_folder_per_category_gives_a_document_per_file_with_its_path_and_a_flat_folder_is_unlabelled()
    {
        File("folders/animals/one.txt", Documents[0]);
        File("folders/animals/two.txt", Documents[2]);
        File("folders/machines/one.txt", Documents[1]);
        File("folders/machines/sub/ignored.txt", "documents are the .txt files of the category folder itself");
        File("folders/urls.txt", "a note beside the category folders, as corpora often have, is not a document");
        var source = PredictionSource.ForText(Path.Combine(_folder, "folders"));
        source.Format.Should().Be(TextCorpusFormat.Folders, "a folder of folders is the folders layout");

        var (rows, summary) = Predict(source);

        rows[0].Should().Be("predicted,p_animals,p_machines,label,path");
        rows.Skip(1).Select(r => string.Join(",", r.Split(',')[^2..])).Should().Equal("animals,animals/one.txt", "animals,animals/two.txt", "machines,machines/one.txt");
        Probabilities(rows).Should().Equal(Expected()[0], Expected()[2], Expected()[1]);
        summary.Examples.Should().Be(3);

        File("flat/b.txt", Documents[3]);
        File("flat/a.txt", Documents[0]);
        var (flat, flatSummary) = Predict(PredictionSource.ForText(Path.Combine(_folder, "flat"), "folders"));
        flat[0].Should().Be("predicted,p_animals,p_machines,path");
        flat.Skip(1).Select(r => r.Split(',')[^1]).Should().Equal("a.txt", "b.txt");
        Probabilities(flat).Should().Equal(Expected()[0], Expected()[3]);
        flatSummary.Accuracy.Should().BeNull();
    }

    [Fact]
    public void A_record_file_or_category_folder_the_model_does_not_know_is_refused_by_its_path_before_anything_is_read()
    {
        File("fortunes/animals", Documents[0]);
        var plants = File("fortunes/plants", "the fern");
        File("folders/animals/a.txt", Documents[0]);
        File("folders/plants/a.txt", "the fern");
        var output = Path.Combine(_folder, "never.csv");

        FluentActions.Invoking(() => TextPredictor.Predict(_model, PredictionSource.ForText(Path.Combine(_folder, "fortunes")), output)).Should().Throw<DataException>()
            .WithMessage($"{plants}: category 'plants' (the file's name) is not one of the model's classes (animals, machines); predict on a folder holding only those categories.");
        FluentActions.Invoking(() => TextPredictor.Predict(_model, PredictionSource.ForText(Path.Combine(_folder, "folders")), output)).Should().Throw<DataException>()
            .WithMessage($"{Path.Combine(_folder, "folders", "plants")}: category 'plants' (the folder's name) is not one of the model's classes*");
        System.IO.File.Exists(output).Should().BeFalse();
        FluentActions.Invoking(() => PredictionSource.ForText(Path.Combine(_folder, "fortunes"), "records", labelColumn: "x")).Should().Throw<PretrainException>()
            .WithMessage("--label-column: applies to csv, tsv and jsonl files; * is read as records*");
    }

    [Theory]
    [InlineData("docs.parquet", null, null, "cannot tell the format")]
    [InlineData("docs.csv", "npy", null, "--format: a text model reads documents")]
    [InlineData("docs.txt", null, "text", "--text-column: applies to csv, tsv and jsonl")]
    public void Formats_and_options_that_do_not_fit_are_refused(string file, string? format, string? textColumn, string message)
    {
        FluentActions.Invoking(() => PredictionSource.ForText(Path.Combine(_folder, file), format, textColumn: textColumn))
            .Should().Throw<PretrainException>().WithMessage($"*{message}*");
    }
}
