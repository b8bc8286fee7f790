namespace Pretrain.Auxiliary.Text;

/// <summary>One document of a categorized corpus: its words and the category (file) it came from.</summary>
public sealed record LabeledDocument(IReadOnlyList<string> Words, string Category);
