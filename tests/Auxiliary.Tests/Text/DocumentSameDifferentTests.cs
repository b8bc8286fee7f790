using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Tasks;
using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

/// <summary>
/// Same versus different on whole documents: two word-dropout views of one document against views of others, read
/// through the document pooling. Words that share documents must end up close in the embedding.
/// </summary>
public sealed class DocumentSameDifferentTests
{
    private const int Topics = 4, WordsPerTopic = 12, First = Vocabulary.FirstWordId;

    /// <summary>Documents of 10 words drawn from one of four topics' disjoint word sets (ids from 2).</summary>
    private static Tensor TopicDocuments(int count, Generator generator)
    {
        var topic = randint(0, Topics, [count, 1], dtype: ScalarType.Int64, generator: generator);
        var word = randint(0, WordsPerTopic, [count, 10], dtype: ScalarType.Int64, generator: generator);
        return topic * WordsPerTopic + word + First;
    }

    private static double SameTopicMinusOtherTopicSimilarity(Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var words = nn.functional.normalize(embedding.narrow(0, First, Topics * WordsPerTopic).detach(), dim: 1);
        var similarity = words.matmul(words.t());
        var topic = tensor(Enumerable.Range(0, Topics * WordsPerTopic).Select(i => (long)(i / WordsPerTopic)).ToArray());
        var same = topic.unsqueeze(0) == topic.unsqueeze(1);
        var offDiagonal = eye(Topics * WordsPerTopic, dtype: ScalarType.Bool).logical_not();
        var sameMean = similarity.masked_select(same & offDiagonal).mean().item<float>();
        var otherMean = similarity.masked_select(same.logical_not()).mean().item<float>();
        return sameMean - otherMean;
    }

    [Theory]
    [InlineData(DocumentPooling.Words)]
    [InlineData(DocumentPooling.Windows)]
    public void Contrastive_document_pretraining_matches_views_and_pulls_words_of_one_topic_together(DocumentPooling pooling)
    {
        var context = RunContext.Create(DeviceSpec.Parse("cpu"), seed: 3);
        using var g = new Generator(11);
        using var documents = TopicDocuments(600, g);
        var spec = new EncoderSpec { Inputs = 3, VocabularySize = First + Topics * WordsPerTopic, EmbeddingSize = 8, HiddenLayers = [8], Activation = EncoderActivation.Tanh };
        using var encoder = new AuxiliaryEncoder(spec, CPU, g);
        using var task = new SameDifferentTask(new WordDropout(0.5), DocumentPooler.Width(encoder, pooling), PairLoss.NtXent, 1, CPU, g,
            new ContrastiveSettings { ProjectionHidden = 16, ProjectionSize = 8 }, (e, d) => DocumentPooler.Pool(e, d, pooling));
        var trainer = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 15, BatchSize = 64, LearningRate = 0.01, HeldOutFraction = 0.2 });
        var before = SameTopicMinusOtherTopicSimilarity(encoder.Embedding!);

        var epochs = trainer.Fit(task, encoder, documents, null, context);

        epochs[^1].Loss.Should().BeLessThan(epochs[0].Loss);
        epochs[^1].HeldOutScore.Should().BeGreaterThan(0.025, "views of one document are matched among 240 held-out views well above chance (1/239), though documents of one topic look alike");
        before.Should().BeLessThan(0.1, "random embeddings know no topics");
        SameTopicMinusOtherTopicSimilarity(encoder.Embedding!).Should().BeGreaterThan(0.3, "words that share documents share topics");
    }
}
