using System.Collections.Concurrent;
using System.Diagnostics;

namespace Pretrain.Host.Tests.Distributed;

/// <summary>A <c>pretrain serve --store</c> worker in its own process, so a test can kill it like a power cut would.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    public WorkerProcess(string store, string root, string name, int deadWorkerSeconds)
    {
        Name = name;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "pretrain.dll"), "serve", "--store", store, "--root", root, "--name", name,
                     "--dead-worker-seconds", deadWorkerSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--exit-when-empty", "--poll-seconds", "0.5",
                 })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => _output.Enqueue(e.Data ?? "");
        _process.ErrorDataReceived += (_, e) => _output.Enqueue(e.Data ?? "");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Output => string.Join("\n", _output);

    /// <summary>Kills the worker at once (SIGKILL): no shutdown, no checkpoint written on the way out.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Waits for the worker to stop by itself (--exit-when-empty); returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            throw new TimeoutException($"worker {Name} did not stop within {timeout}:\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }
}
