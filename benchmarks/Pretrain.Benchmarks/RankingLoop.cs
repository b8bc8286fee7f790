using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Tasks;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Benchmarks;

/// <summary>
/// <c>g_aux_ranking_text</c>: one epoch of the auxiliary ranking task on text windows with the settings
/// <c>recipes/fortunes-auxiliary.json</c> used for it before it moved to document pairs (5-word windows, 10,000-word vocabulary, 50-wide embeddings, 100 tanh units,
/// centre word replaced by a unigram draw, margin 1, batch 256, Adam 1e-3, 5% held out and scored each epoch). The
/// baseline has no such loop, so Pretrain is reported alone. The text is synthetic (seeded Zipf-distributed word ids,
/// 2,000 documents of 50 words = 100,000 windows): the work per epoch depends only on those sizes, and no corpus
/// needs to be installed.
/// </summary>
internal static class RankingLoop
{
    private const string Name = "g_aux_ranking_text";
    private const int Vocabulary = 10000, Documents = 2000, Words = 50, Window = 5, Embedding = 50, Hidden = 100;

    public static LoopTiming? Run(RunContext context, int repetitions)
    {
        if (!LoopTiming.Wanted(Name))
            return null;
        var counts = Enumerable.Range(0, Vocabulary).Select(id => id < Pretrain.Auxiliary.Text.Vocabulary.FirstWordId ? 0L : 1_000_000L / (id - 1)).ToArray();
        using var windows = TextWindows.Centred(SyntheticDocuments(counts), Window).to(context.Device);
        var spec = new EncoderSpec
        {
            Inputs = Window, VocabularySize = Vocabulary, EmbeddingSize = Embedding, HiddenLayers = [Hidden], Activation = EncoderActivation.Tanh,
        };
        var corruption = new TokenReplacement(Vocabulary, sampling: TokenSampling.Unigram, unigramCounts: counts,
            paddingToken: Pretrain.Auxiliary.Text.Vocabulary.PaddingId, firstRegularToken: Pretrain.Auxiliary.Text.Vocabulary.FirstWordId, centreOnly: true);
        var trainer = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 1, BatchSize = 256, LearningRate = 1e-3 });
        using var encoderGenerator = context.CreateGenerator(RandomStream.TextEncoder);
        using var headGenerator = context.CreateGenerator(RandomStream.TextHead);
        using var encoder = new AuxiliaryEncoder(spec, context.Device, encoderGenerator);
        using var task = new PairwiseRankingTask(corruption, spec.OutputSize, margin: 1, context.Device, headGenerator);
        return LoopTiming.Run(Name, "float32", windows.shape[0], LoopFlops.Ranking(Window, Embedding, Hidden), repetitions,
            () => { trainer.Fit(task, encoder, windows, null, context); return null; });
    }

    /// <summary>Documents of word ids drawn in proportion to <paramref name="counts"/> (Zipf's law), from a fixed seed.</summary>
    private static IEnumerable<IReadOnlyList<int>> SyntheticDocuments(long[] counts)
    {
        var cumulative = new double[counts.Length];
        double total = 0;
        for (var i = 0; i < counts.Length; i++)
            cumulative[i] = total += counts[i];
        var random = new Random(0);
        for (var d = 0; d < Documents; d++)
        {
            var words = new int[Words];
            for (var w = 0; w < Words; w++)
            {
                var at = Array.BinarySearch(cumulative, random.NextDouble() * total);
                words[w] = Math.Max(Pretrain.Auxiliary.Text.Vocabulary.FirstWordId, at >= 0 ? at : ~at);
            }
            yield return words;
        }
    }
}
