using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pretrain.Recipes.Pipeline;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Pretrain.Host.Hosting;

/// <summary>
/// Builds the generic host every command runs in: configuration from <c>appsettings.json</c> (next to the
/// executable) and <c>PRETRAIN_</c> environment variables, Serilog to the console and to the run's log file, and
/// the pipeline services.
/// </summary>
internal static class PretrainHostBuilder
{
    public static IHost Build(string? logFile, LoggingLevelSwitch? consoleLevel = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = true,
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables("PRETRAIN_");

        builder.Services.AddSerilog((_, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                // Errors the command prints itself (one line for the user) go to the log file only: printed once,
                // without a stack trace on the console.
                .WriteTo.Logger(console => console
                    .Filter.ByExcluding(Serilog.Filters.Matching.WithProperty(LogOnlyToFile.Property))
                    .WriteTo.Console(
                        outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                        levelSwitch: consoleLevel,
                        standardErrorFromLevel: LogEventLevel.Warning));
            if (logFile is not null)
                logger.WriteTo.File(logFile,
                    outputTemplate: RunLogFile.Template,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        });
        builder.Services.AddSingleton<RecipeRunner>();
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
