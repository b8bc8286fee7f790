using System.CommandLine;
using Pretrain.Host.Distributed;
using Pretrain.Pretraining;
using System.Globalization;
using Pretrain.Host.Service;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain status --queue DIR</c>: prints what a queue's service last reported.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var queue = new Option<string?>("--queue") { Description = "The queue folder given to pretrain serve." };
        var store = new Option<string?>("--store") { Description = "The PostgreSQL connection string of the shared job queue (pretrain serve --store)." };
        var command = new Command("status", "Show a queue: waiting jobs, the running jobs with their worker, stage, epoch and latest metrics, and finished jobs.") { queue, store };
        command.SetAction(parse =>
        {
            if ((parse.GetValue(queue) is null) == (parse.GetValue(store) is null))
            {
                Console.Error.WriteLine("status: give either --queue DIR or --store CONNECTION.");
                return ExitCodes.InvalidInput;
            }
            if (parse.GetValue(store) is { } connection)
                return ShowStore(connection);
            var root = parse.GetValue(queue)!;
            var status = StatusBoard.Read(Path.Combine(root, "status.json"));
            if (status is null)
            {
                Console.Error.WriteLine($"{root}: no status.json (has pretrain serve --queue {root} run yet?).");
                return ExitCodes.InvalidInput;
            }
            Console.Out.WriteLine($"Queue {Path.GetFullPath(root)} (service pid {status.ProcessId}, updated {status.Updated.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)})");
            Console.Out.WriteLine($"  waiting: {(status.Waiting.Count == 0 ? "none" : string.Join(", ", status.Waiting))}");
            foreach (var job in status.Running)
            {
                var metrics = job.Metrics is null ? "" : " " + string.Join(", ", job.Metrics.Select(m => $"{m.Key} {m.Value.ToString("G5", CultureInfo.InvariantCulture)}"));
                Console.Out.WriteLine($"  running: {job.Job}: {job.Stage ?? "starting"}{(job.Epoch is int e ? $", epoch {e}" : "")}{metrics} ({job.RunFolder})");
            }
            if (status.Running.Count == 0)
                Console.Out.WriteLine("  running: none");
            Console.Out.WriteLine($"  done: {status.Done}, failed: {status.Failed}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static int ShowStore(string connection)
    {
        try
        {
            var storage = JobStore.OpenForClient(connection);
            foreach (var line in StoreStatus.Lines(storage))
                Console.Out.WriteLine(line);
            return ExitCodes.Success;
        }
        catch (PretrainException e)
        {
            Console.Error.WriteLine(e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (Npgsql.NpgsqlException e)
        {
            Console.Error.WriteLine($"--store: cannot reach the job store ({e.Message}).");
            return ExitCodes.Failure;
        }
    }
}
