using System.Diagnostics;
using System.Text.Json;
using Pretrain.Host.Cli;
using Pretrain.Host.Tests.Cli;

namespace Pretrain.Host.Tests.Service;

[Collection(ConsoleCollection.Name)]
public sealed class QueueServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-queue-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Pretrain(params string[] args) => PretrainCommand.Create().Parse(args).Invoke();

    private static string Tiny(string name, int epochs) => $$"""
        { "name": "{{name}}", "device": "cpu", "seed": 3,
          "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
          "model": { "hiddenLayers": [16] }, "training": { "epochs": {{epochs}}, "batchSize": 64 } }
        """;

    // Two greedy layers, then fine-tuning: long enough on the embedded slice to be killed part-way.
    private const string Pretraining = """
        { "name": "stacked", "device": "cpu", "seed": 5,
          "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" }, "labelsPerClass": 30 },
          "pretraining": { "layers": [
            { "kind": "autoencoder", "hiddenUnits": 96, "epochs": 6 },
            { "kind": "autoencoder", "hiddenUnits": 48, "epochs": 25 } ] },
          "model": { "initialization": "pretrained" },
          "training": { "epochs": 40, "batchSize": 32 },
          "evaluation": { "linearProbe": false } }
        """;

    private static void Enqueue(string queue, string name, string recipe)
    {
        Directory.CreateDirectory(Path.Combine(queue, "inbox"));
        File.WriteAllText(Path.Combine(queue, "inbox", name), recipe);
        Thread.Sleep(20); // distinct creation times: the queue runs oldest first
    }

    private static JsonElement Result(string queue, string job)
    {
        var runFolder = File.ReadAllText(Path.Combine(queue, "done", job + ".run")).Trim();
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, "result.json"))).RootElement.Clone();
    }

    [Fact]
    public void The_service_runs_jobs_in_order_and_fails_a_bad_one_without_stopping()
    {
        var queue = Path.Combine(_folder, "q");
        Enqueue(queue, "first.json", Tiny("first", 1));
        Enqueue(queue, "broken.json", """{ "data": { "train": { "format": "embedded" } }, "training": { "epochs": "many" } }""");
        Enqueue(queue, "second.json", Tiny("second", 1));

        Pretrain("serve", "--queue", queue, "--exit-when-empty", "--poll-seconds", "0.2").Should().Be(ExitCodes.Success);

        Directory.GetFiles(Path.Combine(queue, "inbox")).Should().BeEmpty();
        Directory.GetFiles(Path.Combine(queue, "running")).Should().BeEmpty();
        File.Exists(Path.Combine(queue, "done", "first.json")).Should().BeTrue();
        File.Exists(Path.Combine(queue, "done", "second.json")).Should().BeTrue();
        File.Exists(Path.Combine(queue, "failed", "broken.json")).Should().BeTrue();
        File.ReadAllText(Path.Combine(queue, "failed", "broken.json.reason.txt")).Should().Contain("training.epochs").And.Contain("expected an integer");
        var first = Result(queue, "first.json").GetProperty("runFolder").GetString()!;
        var second = Result(queue, "second.json").GetProperty("runFolder").GetString()!;
        Directory.GetCreationTimeUtc(first).Should().BeBefore(Directory.GetCreationTimeUtc(second), "jobs run oldest first, one at a time");
        using var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(queue, "status.json")));
        status.RootElement.GetProperty("done").GetInt32().Should().Be(2);
        status.RootElement.GetProperty("failed").GetInt32().Should().Be(1);
    }

    [Fact]
    public void Two_jobs_can_run_at_once()
    {
        var queue = Path.Combine(_folder, "parallel");
        Enqueue(queue, "one.json", Tiny("one", 2));
        Enqueue(queue, "two.json", Tiny("two", 2));

        // Two jobs at once set libtorch's thread count for this whole process (TorchThreads); it is put back so the
        // tests after this one run as they would alone (the resume test compares an in-process run with a fresh process).
        var threads = TorchSharp.torch.get_num_threads();
        try
        {
            Pretrain("serve", "--queue", queue, "--parallel", "2", "--exit-when-empty", "--poll-seconds", "0.2").Should().Be(ExitCodes.Success);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }

        Directory.GetFiles(Path.Combine(queue, "done"), "*.json").Select(Path.GetFileName).Should().BeEquivalentTo("one.json", "two.json");
        Pretrain("serve", "--queue", queue, "--parallel", "0").Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void A_job_killed_mid_run_resumes_from_its_checkpoint_and_ends_as_an_uninterrupted_run()
    {
        var reference = Path.Combine(_folder, "reference");
        Enqueue(reference, "job.json", Pretraining);
        Pretrain("serve", "--queue", reference, "--exit-when-empty", "--poll-seconds", "0.2").Should().Be(ExitCodes.Success);
        var expected = Result(reference, "job.json");

        var queue = Path.Combine(_folder, "killed");
        Enqueue(queue, "job.json", Pretraining);
        using (var service = StartServiceProcess(queue))
        {
            var stackManifest = WaitForFirstLayer(queue, service);
            service.Kill(entireProcessTree: true);
            service.WaitForExit();
            File.Exists(stackManifest).Should().BeTrue();
        }
        File.Exists(Path.Combine(queue, "running", "job.json")).Should().BeTrue("a killed job stays in running/");
        var runFolder = File.ReadAllText(Path.Combine(queue, "running", "job.json.run")).Trim();
        Directory.GetFiles(runFolder, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .Should().NotBeEmpty();

        Pretrain("serve", "--queue", queue, "--exit-when-empty", "--poll-seconds", "0.2").Should().Be(ExitCodes.Success);

        var resumed = Result(queue, "job.json");
        resumed.GetProperty("runFolder").GetString().Should().Be(runFolder, "the job resumes in its own run folder");
        File.ReadAllText(Path.Combine(runFolder, "log.txt")).Should().Contain("will not be retrained");
        resumed.GetProperty("testAccuracy").GetDouble().Should().Be(expected.GetProperty("testAccuracy").GetDouble());
        resumed.GetProperty("testLoss").GetDouble().Should().Be(expected.GetProperty("testLoss").GetDouble());
        Directory.GetFiles(runFolder, "*.tmp", SearchOption.AllDirectories).Should().BeEmpty("no half-written file survives");
    }

    [Fact]
    public void Sigterm_stops_the_service_quickly_and_leaves_the_job_to_resume()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        var queue = Path.Combine(_folder, "term");
        Enqueue(queue, "long.json", Tiny("long", 500));
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var service = StartServiceProcess(queue, output);
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(queue, "running", "long.json.run")) && clock.Elapsed < TimeSpan.FromMinutes(2))
            Thread.Sleep(50);
        Thread.Sleep(1500); // into the training loop
        using (var kill = Process.Start("kill", ["-TERM", service.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        var stopping = Stopwatch.StartNew();
        service.WaitForExit(TimeSpan.FromSeconds(60)).Should().BeTrue("the service stops within its shutdown timeout");
        service.ExitCode.Should().Be(0);
        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "a running job stops at its next batch");
        File.Exists(Path.Combine(queue, "running", "long.json")).Should().BeTrue("the interrupted job waits in running/ for the next start");
        Directory.GetFiles(Path.Combine(queue, "done")).Should().BeEmpty();
        service.WaitForExit(); // drains the redirected output
        string.Join("\n", output).Should().Contain("interrupted by the service's shutdown");
    }

    private static Process StartServiceProcess(string queue, System.Collections.Concurrent.ConcurrentQueue<string>? output = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "pretrain.dll"), "serve", "--queue", queue, "--exit-when-empty", "--poll-seconds", "0.2" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => output?.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output?.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string WaitForFirstLayer(string queue, Process service)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var note = Path.Combine(queue, "running", "job.json.run");
            if (File.Exists(note))
            {
                var manifest = Path.Combine(File.ReadAllText(note).Trim(), "stack", "stack.json");
                if (File.Exists(manifest))
                    return manifest;
            }
            service.HasExited.Should().BeFalse("the service must still be running the job");
            Thread.Sleep(25);
        }
        throw new TimeoutException("the first layer was not saved within 3 minutes");
    }
}
