using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pretrain.Host.Distributed;
using Pretrain.Host.Hosting;
using Pretrain.Host.Service;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain serve --queue DIR</c>: runs recipes dropped into <c>DIR/inbox</c> as a background service; or
/// <c>pretrain serve --store CONNECTION</c>: one of any number of workers on any number of machines taking recipe jobs
/// from a shared PostgreSQL queue (see docs/scaling.md).
/// </summary>
internal static class ServeCommand
{
    /// <summary>How long a stopping service waits for its running jobs to reach their next batch and exit.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var queue = new Option<string?>("--queue") { Description = "The queue folder: recipes go into QUEUE/inbox; jobs move to running/, done/ or failed/; runs go to QUEUE/runs." };
        var store = new Option<string?>("--store") { Description = "Instead of a folder, serve the shared job queue in this PostgreSQL database (a connection string, e.g. \"Host=db;Database=pretrain;Username=pretrain\"); jobs come from pretrain submit." };
        var root = new Option<string>("--root") { Description = "With --store: the folder all workers share (run folders in ROOT/runs, sweep summaries in ROOT/sweeps), e.g. a network share.", DefaultValueFactory = _ => "." };
        var name = new Option<string?>("--name") { Description = "With --store: this worker's name in pretrain status (default: machine name and process id)." };
        var deadWorker = new Option<double>("--dead-worker-seconds") { Description = "With --store: a job whose worker has stopped beating for this long (killed, power lost) is taken over by another worker, which resumes it from its checkpoints.", DefaultValueFactory = _ => 300 };
        var parallel = new Option<int>("--parallel") { Description = "Jobs run at once; each gets an equal share of the CPU cores as torch threads (OMP_NUM_THREADS overrides).", DefaultValueFactory = _ => 1 };
        var poll = new Option<double>("--poll-seconds") { Description = "How often the inbox is looked at.", DefaultValueFactory = _ => 2 };
        var exitWhenEmpty = new Option<bool>("--exit-when-empty") { Description = "Stop once the queue is drained instead of watching it." };
        var command = new Command("serve", "Run recipes from a queue folder, one at a time by default, until stopped (Ctrl+C or SIGTERM: running jobs keep their checkpoints and resume on restart).")
        {
            queue, store, root, name, deadWorker, parallel, poll, exitWhenEmpty,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            if (parse.GetValue(parallel) < 1 || !(parse.GetValue(poll) > 0) || !(parse.GetValue(deadWorker) >= 5))
            {
                await Console.Error.WriteLineAsync("--parallel must be at least 1, --poll-seconds positive and --dead-worker-seconds at least 5.");
                return ExitCodes.InvalidInput;
            }
            if ((parse.GetValue(queue) is null) == (parse.GetValue(store) is null))
            {
                await Console.Error.WriteLineAsync("serve: give either --queue DIR (a folder queue on this machine) or --store CONNECTION (the shared PostgreSQL queue).");
                return ExitCodes.InvalidInput;
            }
            var pollEvery = TimeSpan.FromSeconds(parse.GetValue(poll));
            Action<IServiceCollection> configure;
            if (parse.GetValue(store) is { } connection)
            {
                try
                {
                    JobStore.Check(connection);
                }
                catch (PretrainException e)
                {
                    await Console.Error.WriteLineAsync(e.Message);
                    return ExitCodes.InvalidInput;
                }
                var settings = new WorkerSettings(Path.GetFullPath(parse.GetValue(root)!), connection,
                    parse.GetValue(name) ?? $"{Environment.MachineName}-{Environment.ProcessId}");
                configure = services => StoreServer.Add(services, settings, TimeSpan.FromSeconds(parse.GetValue(deadWorker)), parse.GetValue(parallel),
                    ShutdownTimeout, parse.GetValue(exitWhenEmpty) ? pollEvery : null);
            }
            else
            {
                try
                {
                    // Made here, not first in the worker, so a bad folder is one message and exit code 2 rather than the
                    // host's error log, a stack trace, a second copy from the host's fatal log, and exit code 0.
                    _ = new QueueFolders(parse.GetValue(queue)!);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"--queue {parse.GetValue(queue)}: cannot create the queue folders (inbox, running, done, failed): {e.Message}");
                    return ExitCodes.InvalidInput;
                }
                var options = new QueueOptions
                {
                    Root = parse.GetValue(queue)!, Parallel = parse.GetValue(parallel), Poll = pollEvery, ExitWhenEmpty = parse.GetValue(exitWhenEmpty),
                };
                configure = services =>
                {
                    services.AddSingleton(options);
                    services.AddHostedService<QueueWorker>();
                };
            }
            using var host = PretrainHostBuilder.Build(logFile: null, configure: services =>
            {
                configure(services);
                services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
            });
            // Before the jobs' threads exist: each takes libtorch's thread count when it first runs an operation.
            TorchThreads.ShareAmong(parse.GetValue(parallel), host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pretrain.Serve"));
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
