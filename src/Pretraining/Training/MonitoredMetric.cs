namespace Pretrain.Pretraining.Training;

/// <summary>Whether a monitored metric improves by going down (a loss) or up (an accuracy).</summary>
public enum MetricGoal
{
    /// <summary>Lower is better.</summary>
    Minimize,

    /// <summary>Higher is better.</summary>
    Maximize,
}

/// <summary>
/// The metric an <see cref="EpochLoop"/> watches for early stopping and for the best epoch whose weights it restores.
/// An epoch improves on the best when its value is strictly better, or equal with a strictly lower
/// <see cref="TieBreaker"/> (e.g. the same validation accuracy at a lower validation loss).
/// </summary>
/// <param name="Name">The metric's key in the epoch's metrics, e.g. <c>validationAccuracy</c>.</param>
/// <param name="Goal">Whether lower or higher is better.</param>
/// <param name="TieBreaker">A metric where lower is better that decides between equal values; null: equal is no improvement.</param>
public sealed record MonitoredMetric(string Name, MetricGoal Goal, string? TieBreaker = null)
{
    /// <summary>A metric where lower is better (a validation loss or reconstruction error).</summary>
    public static MonitoredMetric Lowest(string name) => new(name, MetricGoal.Minimize);

    /// <summary>A metric where higher is better, ties broken by a lower <paramref name="tieBreaker"/> when given.</summary>
    public static MonitoredMetric Highest(string name, string? tieBreaker = null) => new(name, MetricGoal.Maximize, tieBreaker);

    /// <summary>Whether <paramref name="value"/> (with <paramref name="tie"/>) beats <paramref name="best"/> (with <paramref name="bestTie"/>).</summary>
    public bool Improves(double value, double tie, double best, double bestTie)
    {
        if (double.IsNaN(value))
            return false;
        if (double.IsNaN(best))
            return true;
        var better = Goal == MetricGoal.Minimize ? value < best : value > best;
        return better || (TieBreaker is not null && value.Equals(best) && tie < bestTie);
    }
}
