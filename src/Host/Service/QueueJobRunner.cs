using Microsoft.Extensions.Logging;
using Pretrain.Host.Hosting;
using Pretrain.Recipes.Pipeline;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining;

namespace Pretrain.Host.Service;

/// <summary>
/// Runs one queued job: loads its recipe (a malformed one fails the job with the loader's message), creates its run
/// folder (or reopens the one recorded for an interrupted job, so finished layers are not retrained), runs it with
/// its own log file, and moves it to done/ or failed/. A job stopped by the service's shutdown stays in running/
/// and resumes when the service starts again.
/// </summary>
internal sealed class QueueJobRunner(QueueFolders queue, StatusBoard board, QueueOptions options, Microsoft.Extensions.Logging.ILogger logger)
{
    public void Run(string job, CancellationToken stopping)
    {
        var recipePath = Path.Combine(queue.Running, job);
        LoadedRecipe loaded;
        try
        {
            loaded = RecipeLoader.Load(recipePath, [$"output={RunsFolder()}"]);
        }
        catch (RecipeException e)
        {
            logger.LogWarning("Job {Job} failed: invalid recipe", job);
            queue.Fail(job, e.Message);
            board.Write();
            return;
        }

        var recorded = queue.RunFolderOf(job);
        var folder = recorded is not null && Directory.Exists(recorded)
            ? RunFolder.Open(recorded)
            : RunFolder.Create(loaded.Recipe.Output, loaded.Recipe.Name, DateTimeOffset.Now);
        queue.RecordRunFolder(job, folder.Path);
        folder.WriteRecipe(loaded);
        logger.LogInformation("Job {Job} {How} in {Folder}", job, recorded is null ? "started" : "resumed", folder.Path);
        board.Update(new RunningJob { Job = job, RunFolder = folder.Path });

        using var jobLog = new RunLogFile(folder.LogFile);
        var runner = new RecipeRunner(jobLog.CreateLogger<RecipeRunner>());
        try
        {
            var result = runner.Run(loaded, folder, new JobProgress(job, folder.Path, board), stopping);
            queue.Complete(job);
            logger.LogInformation("Job {Job} done: test accuracy {Accuracy}, run folder {Folder}", job, result.TestAccuracy, folder.Path);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogWarning("Job {Job} interrupted by the service's shutdown; it resumes from its checkpoint when the service starts again", job);
        }
        catch (PretrainException e)
        {
            logger.LogWarning("Job {Job} failed: {Reason}", job, e.Message);
            queue.Fail(job, e.Message);
        }
#pragma warning disable CA1031 // One job's crash must not stop the service: it fails that job with the reason and serves the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            jobLog.Serilog.Fatal(e, "Job failed");
            logger.LogError("Job {Job} failed: {Type}: {Message}", job, e.GetType().Name, e.Message);
            queue.Fail(job, $"{e.GetType().Name}: {e.Message} (details in {folder.LogFile})");
        }
        finally
        {
            board.Remove(job);
        }
    }

    private string RunsFolder() => (options.RunsFolder ?? Path.Combine(queue.Root, "runs")).Replace('\\', '/');
}
