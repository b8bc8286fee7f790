using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pretrain.Host.Service;

/// <summary>
/// The background service behind <c>pretrain serve</c>: resumes jobs a previous service left in running/, then takes
/// recipes from inbox/ oldest first, at most <see cref="QueueOptions.Parallel"/> at a time. On shutdown it cancels
/// the running jobs (each stops at its next batch, keeping its checkpoints) and waits for them.
/// </summary>
internal sealed class QueueWorker(QueueOptions options, IHostApplicationLifetime lifetime, ILogger<QueueWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var queue = new QueueFolders(options.Root);
        var board = new StatusBoard(queue);
        var runner = new QueueJobRunner(queue, board, options, logger);
        var resuming = new Queue<string>(queue.Interrupted());
        var active = new Dictionary<string, Task>(StringComparer.Ordinal);
        logger.LogInformation("Serving the queue {Root}: {Waiting} waiting, {Interrupted} interrupted job(s) to resume, {Parallel} at a time",
            queue.Root, queue.Waiting().Count, resuming.Count, options.Parallel);
        board.Write();

        while (!stoppingToken.IsCancellationRequested)
        {
            while (active.Count < options.Parallel && Next(queue, resuming) is { } job)
                active[job] = Task.Factory.StartNew(() => runner.Run(job, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (active.Count == 0 && options.ExitWhenEmpty && queue.Waiting().Count == 0)
            {
                logger.LogInformation("The queue is empty: stopping (--exit-when-empty)");
                lifetime.StopApplication();
                break;
            }
            try
            {
                await Task.WhenAny(active.Values.Append(Task.Delay(options.Poll, stoppingToken)));
            }
            catch (OperationCanceledException)
            {
                break;
            }
            foreach (var finished in active.Where(a => a.Value.IsCompleted).Select(a => a.Key).ToList())
                active.Remove(finished);
        }
        await Task.WhenAll(active.Values);
        board.Write();
    }

    private static string? Next(QueueFolders queue, Queue<string> resuming)
    {
        if (resuming.TryDequeue(out var interrupted))
            return interrupted;
        foreach (var waiting in queue.Waiting())
            if (queue.TryClaim(waiting))
                return waiting;
        return null;
    }
}
