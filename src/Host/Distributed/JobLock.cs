using Npgsql;

namespace Pretrain.Host.Distributed;

/// <summary>
/// Makes sure one job never runs on two workers at once: a PostgreSQL session-level advisory lock keyed by the job,
/// held on its own connection while the job runs. PostgreSQL drops it the moment that connection ends, so a killed
/// worker's jobs are free at once, while a live worker keeps them even if the queue's heartbeat were ever lost.
/// </summary>
internal sealed class JobLock : IDisposable
{
    private readonly NpgsqlConnection _connection;

    private JobLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Waits (polling, cancellable) until this worker holds the lock of <paramref name="jobId"/>.</summary>
    public static JobLock Acquire(string connectionString, string jobId, Action onWait, CancellationToken cancellation)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            var key = Key(jobId);
            var waited = false;
            while (!TryLock(connection, key))
            {
                if (!waited)
                    onWait();
                waited = true;
                Task.Delay(TimeSpan.FromSeconds(2), cancellation).GetAwaiter().GetResult();
            }
            return new JobLock(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock (closing the connection releases it too).</summary>
    public void Dispose() => _connection.Dispose();

    private static bool TryLock(NpgsqlConnection connection, long key)
    {
        using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", key);
        return (bool)command.ExecuteScalar()!;
    }

    // A stable 64-bit key from the job id (FNV-1a): advisory locks are keyed by numbers, job ids are strings.
    private static long Key(string jobId)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in "pretrain-job:" + jobId)
            hash = (hash ^ c) * 1099511628211UL;
        return unchecked((long)hash);
    }
}
