using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Pretrain.Host.Distributed;

/// <summary>
/// Turns a generic host into a worker of the shared queue: a Hangfire server on the PostgreSQL store with
/// <c>--parallel</c> workers that run <see cref="RecipeJob"/>s.
/// </summary>
internal static class StoreServer
{
    public static void Add(IServiceCollection services, WorkerSettings settings, TimeSpan deadWorker, int parallel, TimeSpan shutdownTimeout, TimeSpan? exitWhenEmptyPoll)
    {
        var storage = JobStore.Open(settings.Store, deadWorker);
        services.AddSingleton(settings);
        services.AddSingleton<JobStorage>(storage);
        services.AddTransient<RecipeJob>();
        services.AddHangfire(configuration => configuration.UseStorage(storage));
        services.AddHangfireServer(options =>
        {
            options.WorkerCount = parallel;
            options.ServerName = settings.Name;
            options.Queues = [JobStore.Queue];
            options.ShutdownTimeout = shutdownTimeout;
        });
        if (exitWhenEmptyPoll is TimeSpan poll)
            services.AddHostedService(provider => ActivatorUtilities.CreateInstance<StoreDrainWatcher>(provider, poll));
    }
}
