using System.CommandLine;
using System.Diagnostics;
using Pretrain.Pretraining;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain data shard INPUT --out FOLDER</c>: writes a data file (or Fashion-MNIST, or the embedded slice) as a
/// shard folder that recipes read with <c>"format": "shards"</c> and can stream under a memory budget.
/// </summary>
internal static class DataCommand
{
    private const string Formats = PredictionSource.Formats + ", fashionMnist, embedded";

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The data file; for fashionMnist its folder; for embedded, the word 'embedded'." };
        var output = new Option<string>("--out") { Description = "The shard folder to write (new, empty, or an earlier shard folder to replace).", Required = true };
        var rows = new Option<int?>("--rows-per-shard") { Description = "Rows in each shard (default: as many as fit 64 MiB of float32 features)." };
        var format = new Option<string?>("--format") { Description = $"The input's format: {Formats} (default: from the extension)." };
        var labelColumn = new Option<string?>("--label-column") { Description = "csv/tsv: the label column, by header name or 0-based index." };
        var labels = new Option<string?>("--labels") { Description = "npy/idx: the labels file." };
        var split = new Option<string>("--split") { Description = "fashionMnist/embedded: train or test.", DefaultValueFactory = _ => "train" };
        var shard = new Command("shard", "Write a data set as a folder of .npy shards with a shards.json manifest, reading the input a batch at a time.")
        {
            input, output, rows, format, labelColumn, labels, split,
        };
        shard.SetAction(parse =>
        {
            try
            {
                if (parse.GetValue(rows) is <= 0)
                    throw new PretrainException($"--rows-per-shard: expected a positive integer, received {parse.GetValue(rows)}.");
                var source = Source(parse.GetValue(input)!, parse.GetValue(format), parse.GetValue(labelColumn), parse.GetValue(labels), parse.GetValue(split)!);
                var clock = Stopwatch.StartNew();
                var shown = TimeSpan.Zero;
                var manifest = DataSharding.Write(source, parse.GetValue(output)!, parse.GetValue(rows), (done, total) =>
                {
                    // A line every two seconds and at the end: readable in a terminal and in a log.
                    if (clock.Elapsed - shown < TimeSpan.FromSeconds(2) && done < total)
                        return;
                    shown = clock.Elapsed;
                    Console.Error.WriteLine($"{done:N0} of {total:N0} rows ({100.0 * done / Math.Max(1, total):F0}%), {done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} rows/s");
                });
                Console.Out.WriteLine($"Wrote {manifest.Rows:N0} rows of [{string.Join("x", manifest.SampleShape)}]{(manifest.Labeled ? $" with labels ({manifest.ClassCount} classes)" : "")} in {manifest.Shards.Count} shards to {Path.GetFullPath(parse.GetValue(output)!)}");
                return ExitCodes.Success;
            }
            catch (PretrainException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return new Command("data", "Data set tools.") { shard };
    }

    private static DataSourceSpec Source(string input, string? format, string? labelColumn, string? labels, string split)
    {
        var part = split.ToLowerInvariant() switch
        {
            "train" => DataSplit.Train,
            "test" => DataSplit.Test,
            _ => throw new PretrainException($"--split: expected train or test, received '{split}'."),
        };
        return format?.ToLowerInvariant() switch
        {
            "fashionmnist" => new FashionMnistSourceSpec { Directory = input, Split = part },
            "embedded" => new EmbeddedSourceSpec { Split = part },
            null when input == "embedded" => new EmbeddedSourceSpec { Split = part },
            null when Directory.Exists(input) => new FashionMnistSourceSpec { Directory = input, Split = part },
            _ => PredictionSource.For(input, format, labelColumn, labels),
        };
    }
}
