using Serilog;

namespace Pretrain.Host.Hosting;

/// <summary>
/// Marks a log event for the run's log file only: the command has already told the user in one plain line, so the
/// console must not repeat it (nor show the exception's stack trace).
/// </summary>
internal static class LogOnlyToFile
{
    /// <summary>The property the console sink filters out.</summary>
    public const string Property = "LogOnlyToFile";

    /// <summary>A logger whose events skip the console.</summary>
    public static ILogger Logger => Log.ForContext(Property, true);
}
