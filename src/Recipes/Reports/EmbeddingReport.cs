using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Pipeline;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Reports;

/// <summary>
/// What the auxiliary language task taught the word embeddings, in the run folder: the nearest neighbours of the
/// recipe's probe words before and after pretraining (<c>neighbours.json</c>, and the log), and a map of the most
/// frequent words on the embeddings' first two principal components (<c>embeddings-pca.png</c>).
/// </summary>
internal static class EmbeddingReport
{
    private const int Neighbours = 6;
    private const int MappedWords = 300;
    private const int LabelledWords = 40;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The probe words' neighbours in <paramref name="embedding"/> (words missing from the vocabulary are left out).</summary>
    public static Dictionary<string, IReadOnlyList<(string Word, double Similarity)>> NeighboursOf(IReadOnlyList<string> words, Vocabulary vocabulary, Tensor embedding) =>
        words.Where(vocabulary.Contains).Distinct().ToDictionary(w => w, w => NearestWords.Of(w, vocabulary, embedding, Neighbours));

    /// <summary>Logs and writes the neighbours before and after pretraining, and draws the principal-component map.</summary>
    public static void Write(RunFolder folder, IReadOnlyList<string> probes, Vocabulary vocabulary, Tensor embedding,
        Dictionary<string, IReadOnlyList<(string Word, double Similarity)>> before, RunContext context)
    {
        var after = NeighboursOf(probes, vocabulary, embedding);
        foreach (var word in probes)
        {
            if (!after.TryGetValue(word, out var nearest))
            {
                context.Logger.LogInformation("Nearest words to '{Word}': not in the vocabulary", word);
                continue;
            }
            context.Logger.LogInformation("Nearest words to '{Word}': {Nearest} (before pretraining: {Before})", word, Describe(nearest), Describe(before[word]));
        }
        var json = after.ToDictionary(a => a.Key, a => new
        {
            before = before[a.Key].Select(n => new { word = n.Word, similarity = n.Similarity }),
            after = a.Value.Select(n => new { word = n.Word, similarity = n.Similarity }),
        });
        AtomicFile.WriteAllText(folder.File("neighbours.json"), JsonSerializer.Serialize(json, Indented));
        Pictures.TryDraw(context.Logger, "the embedding map", () => DrawMap(folder.File("embeddings-pca.png"), probes, vocabulary, embedding));
    }

    private static string Describe(IReadOnlyList<(string Word, double Similarity)> nearest) =>
        string.Join(", ", nearest.Select(n => $"{n.Word} ({n.Similarity.ToString("F2", CultureInfo.InvariantCulture)})"));

    /// <summary>The most frequent words (ids right after the special tokens) projected on the first two principal components.</summary>
    private static void DrawMap(string path, IReadOnlyList<string> probes, Vocabulary vocabulary, Tensor embedding)
    {
        var count = Math.Min(MappedWords, vocabulary.Count - Vocabulary.FirstWordId);
        if (count < 3)
            return;
        float[] xs, ys;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var rows = embedding.detach().cpu().to(ScalarType.Float32).narrow(0, Vocabulary.FirstWordId, count);
            var centred = rows - rows.mean([0], keepdim: true);
            var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
            var projected = centred.matmul(vh.narrow(0, 0, 2).t());
            xs = projected.select(1, 0).data<float>().ToArray();
            ys = projected.select(1, 1).data<float>().ToArray();
        }
        var plot = new ScottPlot.Plot();
        var dots = plot.Add.ScatterPoints(xs.Select(v => (double)v).ToArray(), ys.Select(v => (double)v).ToArray());
        dots.MarkerSize = 4;
        var labelled = Enumerable.Range(0, Math.Min(LabelledWords, count))
            .Concat(probes.Where(vocabulary.Contains).Select(w => vocabulary.IdOf(w) - Vocabulary.FirstWordId).Where(i => i < count))
            .Distinct();
        foreach (var i in labelled)
            plot.Add.Text(vocabulary.TokenOf(i + Vocabulary.FirstWordId), xs[i], ys[i]).LabelFontSize = 11;
        plot.Title($"Word embeddings of the {count} most frequent words (first two principal components)");
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 1000, 800);
        File.Move(temp, path, overwrite: true);
    }
}
