using System.Globalization;
using System.Text;

namespace Pretrain.FineTuning.Transfer;

/// <summary>One foreign tensor's fate in an import.</summary>
/// <param name="Source">Its name in the foreign file.</param>
/// <param name="Target">The Pretrain name a mapping gave it; null when no mapping matched.</param>
/// <param name="Shape">Its shape as stored in the file.</param>
/// <param name="Problem">Why it could not be used; null when it was.</param>
public sealed record ImportedTensor(string Source, string? Target, IReadOnlyList<long> Shape, string? Problem = null);

/// <summary>
/// What an import did with each tensor of the foreign file: <see cref="Matched"/> (copied into the network),
/// <see cref="Skipped"/> (no mapping matched its name), <see cref="Mismatched"/> (mapped, but unusable: no such
/// parameter, another shape or dtype), plus the network's parameters that no tensor filled (<see cref="Missing"/>).
/// </summary>
/// <param name="File">The foreign file.</param>
/// <param name="Matched">Tensors copied, in name order.</param>
/// <param name="Skipped">Tensors no mapping matched.</param>
/// <param name="Mismatched">Tensors mapped but not usable, each with its problem.</param>
/// <param name="Missing">Parameters of the network that no tensor filled.</param>
public sealed record ImportReport(string File, IReadOnlyList<ImportedTensor> Matched, IReadOnlyList<ImportedTensor> Skipped,
    IReadOnlyList<ImportedTensor> Mismatched, IReadOnlyList<string> Missing)
{
    /// <summary>True when nothing was mismatched and nothing is missing: the network is fully defined by the file.</summary>
    public bool Complete => Mismatched.Count == 0 && Missing.Count == 0;

    /// <summary>The report as the lines <c>pretrain import</c> prints: one per tensor, grouped by fate.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{File}: {Matched.Count} matched, {Skipped.Count} skipped, {Mismatched.Count} mismatched, {Missing.Count} missing");
        foreach (var t in Matched)
            text.AppendLine(CultureInfo.InvariantCulture, $"  matched     {t.Source} -> {t.Target} [{string.Join(", ", t.Shape)}]");
        foreach (var t in Skipped)
            text.AppendLine(CultureInfo.InvariantCulture, $"  skipped     {t.Source} [{string.Join(", ", t.Shape)}] (no mapping matches its name)");
        foreach (var t in Mismatched)
            text.AppendLine(CultureInfo.InvariantCulture, $"  mismatched  {t.Source} -> {t.Target}: {t.Problem}");
        foreach (var name in Missing)
            text.AppendLine(CultureInfo.InvariantCulture, $"  missing     {name} (no tensor of the file maps to it)");
        return text.ToString().TrimEnd();
    }
}
