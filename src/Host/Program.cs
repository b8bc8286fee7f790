using Pretrain.Host.Cli;
using Serilog;

namespace Pretrain.Host;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // A bootstrap logger catches anything before a command's host (and its configured logger) exists.
        Log.Logger = new LoggerConfiguration()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .CreateBootstrapLogger();
        try
        {
            return await PretrainCommand.Create().Parse(args).InvokeAsync();
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
