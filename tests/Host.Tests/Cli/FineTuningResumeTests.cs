using System.Diagnostics;
using System.Text.Json;
using Pretrain.Host.Cli;

namespace Pretrain.Host.Tests.Cli;

/// <summary><c>pretrain run --resume</c> after the process was killed during fine-tuning.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class FineTuningResumeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A pretrained layer, then fine-tuning with dropout and a cosine schedule: long enough to be killed part-way.
    private string Recipe(string output)
    {
        var path = Path.Combine(_folder, output + ".json");
        File.WriteAllText(path, $$"""
            { "name": "resume", "device": "cpu", "seed": 7, "output": "{{Path.Combine(_folder, output).Replace('\\', '/')}}",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
              "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 64, "epochs": 2 } ] },
              "model": { "initialization": "pretrained", "dropout": 0.2 },
              "training": { "epochs": 40, "batchSize": 32, "patience": 50, "schedule": "cosine" },
              "evaluation": { "linearProbe": false } }
            """);
        return path;
    }

    [Fact]
    public void A_run_killed_during_fine_tuning_resumes_from_its_last_epoch_and_ends_as_an_uninterrupted_run()
    {
        Run(["run", Recipe("reference")], "reference");
        var expected = Result(SingleRun("reference"));

        var recipe = Recipe("killed");
        string run;
        using (var process = StartRun(recipe))
        {
            run = WaitForCheckpoint("killed", process);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        File.Exists(Path.Combine(run, "result.json")).Should().BeFalse("the run was killed before it finished");

        Run(["run", recipe, "--resume", run], "killed");

        var resumed = Result(run);
        var log = File.ReadAllText(Path.Combine(run, "log.txt"));
        log.Should().Contain("supervised: resuming after epoch");
        var because = $"the resumed run must end as the uninterrupted one (resumed {resumed}, uninterrupted {expected})";
        resumed.GetProperty("testAccuracy").GetDouble().Should().Be(expected.GetProperty("testAccuracy").GetDouble(), because);
        resumed.GetProperty("testLoss").GetDouble().Should().Be(expected.GetProperty("testLoss").GetDouble(), because);
        resumed.GetProperty("epochsRun").GetInt32().Should().Be(expected.GetProperty("epochsRun").GetInt32(), because);
        Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories).Should().BeEmpty("no half-written file survives");
    }

    /// <summary>Runs the command in this process; a failure quotes the run logs, which the folder's deletion would lose.</summary>
    private void Run(string[] arguments, string output)
    {
        var code = PretrainCommand.Create().Parse(arguments).Invoke();
        if (code == ExitCodes.Success)
            return;
        var logs = Directory.Exists(Path.Combine(_folder, output))
            ? Directory.GetFiles(Path.Combine(_folder, output), "log.txt", SearchOption.AllDirectories).Select(File.ReadAllText)
            : [];
        code.Should().Be(ExitCodes.Success, $"the run must succeed; its log:{Environment.NewLine}{string.Join(Environment.NewLine, logs)}");
    }

    private string SingleRun(string output) => Directory.GetDirectories(Path.Combine(_folder, output)).Should().ContainSingle().Subject;

    private static JsonElement Result(string run) => JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement.Clone();

    private static Process StartRun(string recipe)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "pretrain.dll"), "run", recipe },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until the first fine-tuning epoch is checkpointed and returns the run folder.</summary>
    private string WaitForCheckpoint(string output, Process process)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var runs = Directory.Exists(Path.Combine(_folder, output)) ? Directory.GetDirectories(Path.Combine(_folder, output)) : [];
            if (runs.Length == 1 && Directory.Exists(Path.Combine(runs[0], "checkpoints"))
                && Directory.GetFiles(Path.Combine(runs[0], "checkpoints"), "supervised-*.safetensors").Length > 0)
                return runs[0];
            process.HasExited.Should().BeFalse("the run must still be training");
            Thread.Sleep(20);
        }
        throw new TimeoutException("no fine-tuning checkpoint within 3 minutes");
    }
}
