using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pretrain.Host.Distributed;

/// <summary>
/// <c>serve --store ... --exit-when-empty</c>: stops this worker once the store has nothing waiting, scheduled or
/// running (a dead worker's job counts as running until another worker takes it over and finishes it). For batch use
/// and tests; a long-lived worker watches the queue forever.
/// </summary>
internal sealed class StoreDrainWatcher(JobStorage storage, TimeSpan poll, IHostApplicationLifetime lifetime, ILogger<StoreDrainWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var emptyChecks = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var monitoring = storage.GetMonitoringApi();
            var busy = monitoring.EnqueuedCount(JobStore.Queue) + monitoring.FetchedCount(JobStore.Queue) + monitoring.ProcessingCount() + monitoring.ScheduledCount();
            // Two empty looks in a row: a job between two states is not mistaken for an empty store.
            emptyChecks = busy == 0 ? emptyChecks + 1 : 0;
            if (emptyChecks < 2)
                continue;
            logger.LogInformation("The job store is empty: stopping (--exit-when-empty)");
            lifetime.StopApplication();
            return;
        }
    }
}
