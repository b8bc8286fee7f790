using Serilog;
using Serilog.Extensions.Logging;

namespace Pretrain.Host.Hosting;

/// <summary>
/// A run folder's <c>log.txt</c>, written the same way by <c>pretrain run</c> and by both queue services' jobs:
/// one format, so every run's log reads alike.
/// </summary>
internal sealed class RunLogFile : IDisposable
{
    /// <summary>The line format of every run log.</summary>
    public const string Template = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private readonly Serilog.Core.Logger _logger;
    private readonly SerilogLoggerFactory _factory;

    /// <summary>Opens (appends to) the log at <paramref name="path"/>, from Information up.</summary>
    public RunLogFile(string path)
    {
        _logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.File(path, outputTemplate: Template, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateLogger();
        _factory = new SerilogLoggerFactory(_logger);
    }

    /// <summary>The log as a Serilog logger (for failures with their stack traces).</summary>
    public Serilog.ILogger Serilog => _logger;

    /// <summary>A Microsoft.Extensions.Logging logger writing to the file.</summary>
    public Microsoft.Extensions.Logging.ILogger<T> CreateLogger<T>() => new Microsoft.Extensions.Logging.Logger<T>(_factory);

    /// <inheritdoc />
    public void Dispose()
    {
        _factory.Dispose();
        _logger.Dispose();
    }
}
