using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Pretrain.Pretraining;

namespace Pretrain.Host.Distributed;

/// <summary>
/// The PostgreSQL database that holds the shared job queue (Hangfire's tables, in the schema <see cref="Schema"/>),
/// opened the same way by <c>serve --store</c>, <c>submit</c> and <c>status --store</c>.
/// </summary>
internal static class JobStore
{
    /// <summary>The schema of Hangfire's tables, created on first use.</summary>
    public const string Schema = "pretrain_jobs";

    /// <summary>The queue recipe jobs wait in.</summary>
    public const string Queue = "default";

    /// <summary>
    /// Storage settings. A fetched job's heartbeat (every fifth of <paramref name="deadWorker"/>) keeps it with its
    /// worker however long it trains; a job whose worker stops beating for <paramref name="deadWorker"/> (killed, power
    /// lost) is fetched again by another worker.
    /// </summary>
    public static PostgreSqlStorageOptions Options(TimeSpan deadWorker) => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = true,
        InvisibilityTimeout = deadWorker,
        UseSlidingInvisibilityTimeout = true,
        QueuePollInterval = TimeSpan.FromSeconds(1),
    };

    /// <summary>Opens the store at <paramref name="connectionString"/>; a malformed string is refused naming --store.</summary>
    public static PostgreSqlStorage Open(string connectionString, TimeSpan deadWorker)
    {
        Check(connectionString);
        var options = Options(deadWorker);
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    /// <summary>
    /// Opens the store for a short-lived client (<c>submit</c>, <c>status</c>): as <see cref="Open"/>, with Hangfire's own
    /// log messages (schema installation and the like) kept to warnings, so the command prints only its answer.
    /// </summary>
    public static PostgreSqlStorage OpenForClient(string connectionString)
    {
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(new Hangfire.Logging.LogProviders.ColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Warn));
        return Open(connectionString, TimeSpan.FromMinutes(5));
    }

    /// <summary>Throws a <see cref="PretrainException"/> naming --store when <paramref name="connectionString"/> is not a PostgreSQL connection string.</summary>
    public static void Check(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
                throw new PretrainException("--store: expected a PostgreSQL connection string with Host=..., e.g. \"Host=db;Database=pretrain;Username=pretrain\".");
        }
        catch (ArgumentException e)
        {
            throw new PretrainException($"--store: not a PostgreSQL connection string ({e.Message}).");
        }
    }
}
