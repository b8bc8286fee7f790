using System.Globalization;
using System.Text;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The columns every <c>pretrain predict</c> CSV has, whatever the model: <c>predicted</c> (a class name), one
/// <c>p_CLASS</c> probability per class in the model's order, for a labelled file <c>label</c> and, where every example
/// is a file of its own (an image folder, a text folder of one document per file), <c>path</c>: the file, relative to the
/// folder predicted on. Written here once so networks and text models give the same file.
/// </summary>
internal static class PredictionCsv
{
    /// <summary>The header line.</summary>
    public static string Header(IReadOnlyList<string> classes, bool labelled, bool paths = false)
    {
        var header = new List<string> { "predicted" };
        header.AddRange(classes.Select(c => $"p_{c}"));
        if (labelled)
            header.Add("label");
        if (paths)
            header.Add("path");
        return string.Join(",", header.Select(Field));
    }

    /// <summary>
    /// Writes one row per example of a batch: <paramref name="probabilities"/> holds <c>[examples, classes]</c> row by
    /// row; <paramref name="labels"/> (null for an unlabelled file) holds class ids, or -1 for an example without a label
    /// (an empty cell); <paramref name="paths"/> (null when the header has no <c>path</c>) holds each example's file.
    /// Returns how many labelled examples were predicted correctly.
    /// </summary>
    public static long WriteRows(TextWriter writer, IReadOnlyList<string> classes, float[] probabilities, long[] predicted, long[]? labels, IReadOnlyList<string>? paths = null)
    {
        var row = new StringBuilder();
        long correct = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            row.Clear().Append(Field(classes[(int)predicted[i]]));
            for (var c = 0; c < classes.Count; c++)
                row.Append(',').Append(probabilities[i * classes.Count + c].ToString("R", CultureInfo.InvariantCulture));
            if (labels is not null)
            {
                row.Append(',');
                if (labels[i] >= 0)
                    row.Append(Field(classes[(int)labels[i]]));
                if (labels[i] == predicted[i])
                    correct++;
            }
            if (paths is not null)
                row.Append(',').Append(Field(paths[i]));
            writer.WriteLine(row);
        }
        return correct;
    }

    /// <summary>A CSV field, quoted when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
