namespace Pretrain.FineTuning.Evaluation;

/// <summary>How well a classifier did on a labeled data set.</summary>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Accuracy">Fraction classified correctly.</param>
/// <param name="PerClassAccuracy">Recall of each class (NaN for a class absent from the data).</param>
/// <param name="Confusion">Counts: row = true class, column = predicted class.</param>
public sealed record ClassificationReport(double Loss, double Accuracy, IReadOnlyList<double> PerClassAccuracy, long[,] Confusion)
{
    /// <summary>Number of examples evaluated.</summary>
    public long Count
    {
        get
        {
            long total = 0;
            foreach (var n in Confusion)
                total += n;
            return total;
        }
    }
}
