namespace Pretrain.Auxiliary.Text;

/// <summary>One document as a corpus file holds it, before tokenizing.</summary>
/// <param name="Text">The raw text.</param>
/// <param name="Label">Its category: null when the file has no labels, empty when this row leaves its label empty.</param>
/// <param name="Line">The 1-based line the document starts on (or, for one file per document, 1).</param>
/// <param name="File">The file it comes from, where a corpus is several files (a folder); null for a corpus of one file.</param>
public sealed record TextRecord(string Text, string? Label, int Line, string? File = null);
