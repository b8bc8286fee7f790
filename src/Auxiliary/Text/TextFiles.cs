namespace Pretrain.Auxiliary.Text;

/// <summary>Which files of a folder are documents: <c>.txt</c> files, in ordinal name order (so runs are reproducible).</summary>
public static class TextFiles
{
    /// <summary>The <c>.txt</c> files (any case) directly in <paramref name="folder"/>, hidden ones left out, sorted by ordinal comparison.</summary>
    public static IReadOnlyList<string> In(string folder) =>
        Directory.GetFiles(folder)
            .Where(f => string.Equals(Path.GetExtension(f), ".txt", StringComparison.OrdinalIgnoreCase))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
}
