using Pretrain.Pretraining;

namespace Pretrain.Host.Distributed;

/// <summary>
/// The points of a sweep: every combination of the values of each <c>--sweep path=v1,v2,...</c> (values are split at
/// commas outside brackets and quotes, so <c>model.hiddenLayers=[500,500],[1000]</c> is two values).
/// </summary>
internal static class SweepPoints
{
    /// <summary>
    /// The combinations, each a list of <c>path=value</c> overrides; one empty combination without sweeps. Throws a
    /// <see cref="PretrainException"/> naming the bad <c>--sweep</c>.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Of(IReadOnlyList<string> sweeps)
    {
        IReadOnlyList<IReadOnlyList<string>> points = [[]];
        foreach (var sweep in sweeps)
        {
            var equals = sweep.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == sweep.Length - 1)
                throw new PretrainException($"--sweep {sweep}: expected path=value1,value2,... (e.g. training.learningRate=0.001,0.0003).");
            var path = sweep[..equals];
            var values = SplitTopLevel(sweep[(equals + 1)..]);
            if (values.Any(v => v.Length == 0) || values.Distinct(StringComparer.Ordinal).Count() != values.Count)
                throw new PretrainException($"--sweep {sweep}: expected distinct, non-empty values.");
            points = points.SelectMany(p => values.Select(v => (IReadOnlyList<string>)[.. p, $"{path}={v}"])).ToList();
        }
        return points;
    }

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case '[' or '{' when !quoted:
                    depth++;
                    break;
                case ']' or '}' when !quoted:
                    depth--;
                    break;
                case ',' when !quoted && depth == 0:
                    parts.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        parts.Add(text[start..].Trim());
        return parts;
    }
}
