using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pretrain.Host.Hosting;
using Pretrain.Host.Service;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain serve --queue DIR</c>: runs recipes dropped into <c>DIR/inbox</c> as a background service.</summary>
internal static class ServeCommand
{
    /// <summary>How long a stopping service waits for its running jobs to reach their next batch and exit.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var queue = new Option<string>("--queue") { Description = "The queue folder: recipes go into QUEUE/inbox; jobs move to running/, done/ or failed/; runs go to QUEUE/runs.", Required = true };
        var parallel = new Option<int>("--parallel") { Description = "Jobs run at once.", DefaultValueFactory = _ => 1 };
        var poll = new Option<double>("--poll-seconds") { Description = "How often the inbox is looked at.", DefaultValueFactory = _ => 2 };
        var exitWhenEmpty = new Option<bool>("--exit-when-empty") { Description = "Stop once the queue is drained instead of watching it." };
        var command = new Command("serve", "Run recipes from a queue folder, one at a time by default, until stopped (Ctrl+C or SIGTERM: running jobs keep their checkpoints and resume on restart).")
        {
            queue, parallel, poll, exitWhenEmpty,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(parallel) < 1 || !(parse.GetValue(poll) > 0))
            {
                await Console.Error.WriteLineAsync("--parallel must be at least 1 and --poll-seconds positive.");
                return ExitCodes.InvalidInput;
            }
            var options = new QueueOptions
            {
                Root = parse.GetValue(queue)!, Parallel = parse.GetValue(parallel), Poll = TimeSpan.FromSeconds(parse.GetValue(poll)),
                ExitWhenEmpty = parse.GetValue(exitWhenEmpty),
            };
            using var host = PretrainHostBuilder.Build(logFile: null, configure: services =>
            {
                services.AddSingleton(options);
                services.AddHostedService<QueueWorker>();
                services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
            });
            await host.StartAsync(CancellationToken.None);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            try
            {
                await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(cancellation, lifetime.ApplicationStopping).Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C, SIGTERM, or the worker finished the queue: stop below.
            }
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }
}
