using Microsoft.Extensions.Logging;

namespace Pretrain.Recipes.Reports;

/// <summary>Draws the run's pictures without ever letting a drawing failure cost the user a trained model.</summary>
internal static class Pictures
{
    /// <summary>Runs <paramref name="draw"/>; if it throws, logs a warning naming <paramref name="what"/> and goes on.</summary>
    public static void TryDraw(ILogger logger, string what, Action draw)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(draw);
        try
        {
            draw();
        }
#pragma warning disable CA1031 // A picture that cannot be drawn must not cost the user the trained stack, encoder or network.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Could not draw {What}", what);
        }
    }
}
