using System.Text.Json;
using Pretrain.Pretraining.IO;

namespace Pretrain.Host.Service;

/// <summary>Keeps the running jobs' progress and rewrites <c>status.json</c> (atomically) whenever it changes.</summary>
internal sealed class StatusBoard(QueueFolders queue)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly Dictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Update(RunningJob job)
    {
        lock (_lock)
            _running[job.Job] = job;
        Write();
    }

    public void Remove(string job)
    {
        lock (_lock)
            _running.Remove(job);
        Write();
    }

    public void Write()
    {
        QueueStatus status;
        lock (_lock)
        {
            status = new QueueStatus
            {
                Updated = DateTimeOffset.Now, ProcessId = Environment.ProcessId, Waiting = queue.Waiting(),
                Running = _running.Values.OrderBy(j => j.Job, StringComparer.Ordinal).ToList(),
                Done = CountJobs(queue.Done), Failed = CountJobs(queue.Failed),
            };
            AtomicFile.WriteAllText(queue.StatusFile, JsonSerializer.Serialize(status, Json));
        }
    }

    public static QueueStatus? Read(string statusFile) =>
        File.Exists(statusFile) ? JsonSerializer.Deserialize<QueueStatus>(File.ReadAllText(statusFile), Json) : null;

    private static int CountJobs(string folder) =>
        Directory.EnumerateFiles(folder).Count(f => !f.EndsWith(".run", StringComparison.Ordinal) && !f.EndsWith(".reason.txt", StringComparison.Ordinal));
}
