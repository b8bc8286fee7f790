using System.Diagnostics;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Pretrain.Host.Cli;
using Pretrain.Host.Distributed;
using Pretrain.Host.Tests.Cli;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Tests.Distributed;

/// <summary>
/// The shared job queue on a real PostgreSQL server: two worker processes, jobs submitted with <c>pretrain submit</c>,
/// one worker killed mid-job. Every job must end exactly once, with the result of an uninterrupted run.
/// </summary>
[Trait("Category", "Distributed")]
[Collection(ConsoleCollection.Name)]
public sealed class SharedQueueTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-shared-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A pretrained layer, then fine-tuning: long enough to kill a worker part-way, with checkpoints at both stages.
    private string Recipe()
    {
        var path = Path.Combine(_folder, "shared.json");
        File.WriteAllText(path, """
            { "name": "shared", "device": "cpu", "seed": 7,
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" }, "labelsPerClass": 60 },
              "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 48, "epochs": 2 } ] },
              "model": { "initialization": "pretrained", "dropout": 0.2 },
              "training": { "epochs": 15, "batchSize": 16 },
              "evaluation": { "linearProbe": false } }
            """);
        return path;
    }

    [PostgresFact]
    public void Jobs_of_a_killed_worker_are_taken_over_and_every_job_ends_once_with_the_result_of_an_uninterrupted_run()
    {
        using var postgres = new PostgresCluster();
        var recipe = Recipe();
        var root = Path.Combine(_folder, "root");
        PretrainCommand.Create().Parse(["submit", recipe, "--store", postgres.ConnectionString, "--seeds", "0,1"]).Invoke().Should().Be(ExitCodes.Success);

        using (var a = new WorkerProcess(postgres.ConnectionString, root, "a", deadWorkerSeconds: 6))
        using (var b = new WorkerProcess(postgres.ConnectionString, root, "b", deadWorkerSeconds: 6))
        {
            var storage = JobStore.Open(postgres.ConnectionString, TimeSpan.FromSeconds(6));
            var (victim, job) = WaitForCheckpointedJob(storage, [a, b]);
            victim.Kill();
            var survivor = victim == a ? b : a;
            // Generous: on a loaded 2-core machine the survivor trains its own job and then the taken-over one.
            survivor.WaitForExit(TimeSpan.FromMinutes(10)).Should().Be(0, survivor.Output);
            survivor.Output.Should().MatchRegex($@"Job {job} \([^)]*\) resumed on {survivor.Name} ", "the survivor took over the dead worker's job");
        }

        var store = JobStore.Open(postgres.ConnectionString, TimeSpan.FromSeconds(6));
        var monitoring = store.GetMonitoringApi();
        monitoring.SucceededListCount().Should().Be(2);
        monitoring.FailedCount().Should().Be(0);
        using var connection = store.GetConnection();
        foreach (var (id, _) in monitoring.SucceededJobs(0, 10))
        {
            monitoring.JobDetails(id).History.Count(h => h.StateName == "Succeeded").Should().Be(1, $"job {id} must end exactly once");
            var run = SerializationHelper.Deserialize<string>(connection.GetJobParameter(id, RecipeJob.RunFolderParameter), SerializationOption.User);
            using var recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "recipe.json")));
            var seed = recorded.RootElement.GetProperty("seed").GetInt32();
            var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement;
            var reference = RecipeRunner.RunFile(recipe, [$"seed={seed}", $"output={Path.Combine(_folder, "reference").Replace('\\', '/')}"]);
            result.GetProperty("testAccuracy").GetDouble().Should().Be(reference.TestAccuracy!.Value, $"seed {seed} must match an uninterrupted run ({result} versus {reference})");
            result.GetProperty("testLoss").GetDouble().Should().Be(reference.TestLoss!.Value);
        }
        var summary = Directory.GetFiles(Path.Combine(root, "sweeps"), "*.json").Should().ContainSingle().Subject;
        File.ReadAllText(summary).Should().Contain("testAccuracy").And.Contain("standardDeviation");
    }

    [PostgresFact]
    public void A_job_with_a_bad_recipe_fails_with_its_reason_and_the_worker_serves_the_next_job()
    {
        using var postgres = new PostgresCluster();
        var recipe = Recipe();
        var client = new BackgroundJobClient(JobStore.Open(postgres.ConnectionString, TimeSpan.FromMinutes(1)));
        var bad = new RecipeJobArguments { Name = "bad", RecipeJson = """{ "training": { "epochs": "many" } }""", RecipePath = recipe, SweepId = "bad" };
        var badId = client.Enqueue<RecipeJob>(j => j.Run(bad, null, CancellationToken.None));
        PretrainCommand.Create().Parse(["submit", recipe, "--store", postgres.ConnectionString, "--set", "training.epochs=2", "--set", "pretraining.layers[0].epochs=1"])
            .Invoke().Should().Be(ExitCodes.Success);

        using (var worker = new WorkerProcess(postgres.ConnectionString, Path.Combine(_folder, "root"), "solo", deadWorkerSeconds: 30))
            worker.WaitForExit(TimeSpan.FromMinutes(4)).Should().Be(0);

        var monitoring = JobStore.Open(postgres.ConnectionString, TimeSpan.FromMinutes(1)).GetMonitoringApi();
        var failed = monitoring.FailedJobs(0, 10).Should().ContainSingle().Subject;
        failed.Key.Should().Be(badId);
        failed.Value.ExceptionMessage.Should().Contain("training.epochs");
        monitoring.SucceededListCount().Should().Be(1, "the worker went on to the good job");
    }

    /// <summary>Waits until a worker runs a job that has written a checkpoint, and returns that worker and job.</summary>
    private static (WorkerProcess Worker, string Job) WaitForCheckpointedJob(JobStorage storage, WorkerProcess[] workers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(4))
        {
            using var connection = storage.GetConnection();
            foreach (var (id, job) in storage.GetMonitoringApi().ProcessingJobs(0, 10))
            {
                var raw = connection.GetJobParameter(id, RecipeJob.RunFolderParameter);
                var run = raw is null ? null : SerializationHelper.Deserialize<string>(raw, SerializationOption.User);
                var checkpointed = run is not null && (File.Exists(Path.Combine(run, "stack", "stack.json")) || Directory.Exists(Path.Combine(run, "checkpoints")));
                var worker = workers.FirstOrDefault(w => job.ServerId.StartsWith(w.Name + ":", StringComparison.Ordinal));
                if (checkpointed && worker is not null && !File.Exists(Path.Combine(run!, "result.json")))
                    return (worker, id);
            }
            workers.Should().OnlyContain(w => !w.HasExited, "both workers must still be running");
            Thread.Sleep(100);
        }
        throw new TimeoutException("no worker reached a checkpoint within 4 minutes");
    }
}
