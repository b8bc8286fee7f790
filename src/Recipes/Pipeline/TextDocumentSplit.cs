using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The text pipeline's split of a categorized corpus: per labelled category a seeded test share, then the labelled
/// training and validation documents; every document outside the test sets (any category) feeds the auxiliary task.
/// </summary>
internal sealed record TextDocumentSplit(
    IReadOnlyList<LabeledDocument> Unlabeled,
    IReadOnlyList<LabeledDocument> Train,
    IReadOnlyList<LabeledDocument> Validation,
    IReadOnlyList<LabeledDocument> Test)
{
    public static TextDocumentSplit Make(IReadOnlyList<LabeledDocument> documents, IReadOnlyList<string> categories, double testFraction, int labelsPerClass, int validationPerClass, int seed)
    {
        var random = new Random(seed);
        var (train, validation, test) = (new List<LabeledDocument>(), new List<LabeledDocument>(), new HashSet<LabeledDocument>(ReferenceEqualityComparer.Instance));
        foreach (var category in categories)
        {
            var members = documents.Where(d => d.Category == category).ToArray();
            random.Shuffle(members);
            var testCount = (int)Math.Round(members.Length * testFraction);
            if (members.Length - testCount < labelsPerClass + validationPerClass)
                throw new PretrainException($"text.categories: '{category}' has {members.Length} documents; after the test share ({testCount}) fewer than labelsPerClass + validationPerClass ({labelsPerClass + validationPerClass}) are left.");
            test.UnionWith(members.Take(testCount));
            train.AddRange(members.Skip(testCount).Take(labelsPerClass));
            validation.AddRange(members.Skip(testCount + labelsPerClass).Take(validationPerClass));
        }
        var unlabeled = documents.Where(d => !test.Contains(d)).ToList();
        return new TextDocumentSplit(unlabeled, train, validation, test.ToList());
    }

    /// <summary>The first <paramref name="perClass"/> training documents of every category (a smaller budget's documents are a subset of a larger one's).</summary>
    public IReadOnlyList<LabeledDocument> TrainingBudget(int perClass) =>
        Train.GroupBy(d => d.Category, StringComparer.Ordinal).SelectMany(g => g.Take(perClass)).ToList();
}
