using System.Diagnostics;

namespace Pretrain.FineTuning.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> that runs these tests, with a clean MSBuild environment and a time limit.</summary>
internal static class DotnetProcess
{
    /// <summary>The dotnet executable: the SDK's host when tests run under <c>dotnet test</c>, else the one on PATH.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="folder"/>; returns the exit code and the combined output.</summary>
    public static (int Code, string Output) Run(string folder, IReadOnlyDictionary<string, string> environment, TimeSpan limit, params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // Variables that dotnet test's own MSBuild sets would point the child build at the parent's SDK state.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(" ", args)} did not finish within {limit.TotalSeconds} s.");
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}
