using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Pretrain.Host.Tests.Distributed;

/// <summary>
/// A throwaway PostgreSQL server for tests: <c>initdb</c> into a temporary folder, <c>pg_ctl start</c> on a free
/// loopback port, one database. PostgreSQL refuses to run as root, so under root both run as the <c>postgres</c> user
/// the Debian package creates (<c>runuser -u postgres</c>). Stopped and deleted on dispose.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly string _folder;
    private readonly string _binaries;

    public PostgresCluster()
    {
        _binaries = FindBinaries() ?? throw new InvalidOperationException(MissingReason);
        _folder = Directory.CreateTempSubdirectory("pretrain-pg-").FullName;
        Directory.CreateDirectory(Path.Combine(_folder, "socket"));
        if (IsRoot)
            Run("chown", ["-R", "postgres", _folder]);
        Port = FreePort();
        PostgresTool("initdb", ["-D", Data, "-A", "trust", "-U", "postgres", "--no-sync"]);
        PostgresTool("pg_ctl", ["-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-o",
            $"-p {Port} -k {Path.Combine(_folder, "socket")} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres");
        connection.Open();
        using var command = new NpgsqlCommand("CREATE DATABASE pretrain", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Why the tests are skipped where PostgreSQL is missing.</summary>
    public const string MissingReason = "PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get install postgresql); .ci/run installs them.";

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=pretrain;Pooling=false";

    private string Data => Path.Combine(_folder, "data");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>The folder holding initdb and pg_ctl, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).OrderDescending().FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            : null;
        return debian ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    public void Dispose()
    {
        try
        {
            PostgresTool("pg_ctl", ["-D", Data, "-m", "immediate", "stop"]);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private void PostgresTool(string tool, string[] arguments)
    {
        var path = Path.Combine(_binaries, tool);
        if (IsRoot)
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        else
            Run(path, arguments);
    }

    private static void Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{output.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A test that needs PostgreSQL: skipped, with the reason, where it is not installed; never silently passed.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.FindBinaries() is null)
            Skip = PostgresCluster.MissingReason;
    }
}
