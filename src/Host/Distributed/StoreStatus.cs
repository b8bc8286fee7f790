using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Distributed;

/// <summary>
/// What <c>pretrain status --store</c> prints: every job of the shared queue with its state, the worker running it,
/// its stage, epoch and latest metrics, and the result or failure reason of finished ones.
/// </summary>
internal static class StoreStatus
{
    private const int Most = 500;

    public static IEnumerable<string> Lines(JobStorage storage)
    {
        var monitoring = storage.GetMonitoringApi();
        using var connection = storage.GetConnection();
        string? Parameter(string id, string name) =>
            connection.GetJobParameter(id, name) is { } raw ? SerializationHelper.Deserialize<string>(raw, SerializationOption.User) : null;
        static string Describe(Job? job) =>
            job?.Args.OfType<RecipeJobArguments>().FirstOrDefault() is { } a ? $"{a.Name} seed {a.Seed}{(a.Point.Length == 0 ? "" : " " + a.Point)}" : "?";

        var enqueued = monitoring.EnqueuedJobs(JobStore.Queue, 0, Most);
        yield return $"waiting: {enqueued.Count}";
        foreach (var (id, job) in enqueued)
            yield return $"  {id}  {Describe(job.Job)}";

        var processing = monitoring.ProcessingJobs(0, Most);
        yield return $"running: {processing.Count}";
        foreach (var (id, job) in processing)
        {
            var progress = Parameter(id, StoreProgress.Parameter) is { } json ? JsonSerializer.Deserialize<JobProgressRecord>(json) : null;
            var metrics = progress?.Metrics is { Count: > 0 } m
                ? " " + string.Join(", ", m.Select(p => $"{p.Key} {p.Value.ToString("G5", CultureInfo.InvariantCulture)}"))
                : "";
            yield return $"  {id}  {Describe(job.Job)}  on {job.ServerId}: {progress?.Stage ?? "starting"}{(progress?.Epoch is int e ? $", epoch {e}" : "")}{metrics}";
        }

        var succeeded = monitoring.SucceededJobs(0, Most);
        yield return $"done: {monitoring.SucceededListCount()}";
        foreach (var (id, _) in succeeded)
        {
            var result = Parameter(id, RecipeJob.ResultParameter) is { } json ? JsonSerializer.Deserialize<RunResult>(json) : null;
            var accuracy = result?.TestAccuracy is double a ? $"test accuracy {a.ToString("F4", CultureInfo.InvariantCulture)}" : "finished";
            yield return $"  {id}  {accuracy}  {result?.RunFolder}";
        }

        var failed = monitoring.FailedJobs(0, Most);
        yield return $"failed: {monitoring.FailedCount()}";
        foreach (var (id, job) in failed)
            yield return $"  {id}  {Describe(job.Job)}: {job.ExceptionMessage}";
    }
}
