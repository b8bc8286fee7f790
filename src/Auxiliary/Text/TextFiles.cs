namespace Pretrain.Auxiliary.Text;

/// <summary>Which files of a folder are documents: <c>.txt</c> files, in ordinal name order (so runs are reproducible).</summary>
internal static class TextFiles
{
    public static IReadOnlyList<string> In(string folder) =>
        Directory.GetFiles(folder)
            .Where(f => string.Equals(Path.GetExtension(f), ".txt", StringComparison.OrdinalIgnoreCase))
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
}
