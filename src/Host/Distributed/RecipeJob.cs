using System.Text.Json;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Pretrain.Host.Hosting;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Distributed;

/// <summary>
/// One recipe job of the shared queue, as a worker runs it: holds the job's lock (so it never runs on two workers at
/// once), runs the recipe in the job's own run folder on the shared root (<c>ROOT/runs/NAME-JOBID</c>), so a worker
/// that takes over a dead worker's job resumes from its checkpoints, reports progress to the store, and records the
/// result for the sweep summary. A bad recipe fails its job with the reason; it is not retried, and the worker goes on.
/// </summary>
public sealed class RecipeJob(WorkerSettings settings, ILogger<RecipeJob> logger)
{
    /// <summary>The job parameter holding the run folder.</summary>
    public const string RunFolderParameter = "runFolder";

    /// <summary>The job parameter holding the result (result.json's content).</summary>
    public const string ResultParameter = "result";

    /// <summary>Runs <paramref name="job"/>; Hangfire supplies <paramref name="context"/> and the shutdown <paramref name="cancellation"/>.</summary>
    [AutomaticRetry(Attempts = 0)]
    public void Run(RecipeJobArguments job, PerformContext? context, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(context);
        var jobId = context.BackgroundJob.Id;
        using var held = JobLock.Acquire(settings.Store, jobId,
            () => logger.LogWarning("Job {Job} is still held by another worker; waiting for it", jobId), cancellation);

        // Invalid recipes throw RecipeException here: the job fails with every problem listed.
        var loaded = RecipeLoader.Parse(job.RecipeJson, job.RecipePath, [.. job.Overrides, $"output={settings.Runs.Replace('\\', '/')}"]);
        var folder = RunFolder.At(Path.Combine(settings.Runs, $"{loaded.Recipe.Name}-{jobId}"));
        var resumed = File.Exists(folder.File("recipe.json"));
        folder.WriteRecipe(loaded);
        context.SetJobParameter(RunFolderParameter, folder.Path);
        logger.LogInformation("Job {Job} ({Name}, seed {Seed}{Point}) {How} on {Worker} in {Folder}", jobId, job.Name, job.Seed,
            job.Point.Length == 0 ? "" : ", " + job.Point, resumed ? "resumed" : "started", settings.Name, folder.Path);

        using var jobLog = new RunLogFile(folder.LogFile);
        var runLogger = jobLog.CreateLogger<RecipeRunner>();
        if (resumed)
            runLogger.LogInformation("Job {Job} resumed by worker {Worker}: finished layers and epochs are not redone", jobId, settings.Name);
        var result = new RecipeRunner(runLogger).Run(loaded, folder, new StoreProgress(context), cancellation);
        context.SetJobParameter(ResultParameter, JsonSerializer.Serialize(result));
        if (SweepBook.Record(settings, job, jobId, result) is { } summary)
            logger.LogInformation("Submission {Sweep} is complete: summary in {Summary}", job.SweepId, summary);
        logger.LogInformation("Job {Job} done: test accuracy {Accuracy}", jobId, result.TestAccuracy);
    }
}
