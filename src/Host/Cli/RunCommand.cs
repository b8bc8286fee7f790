using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pretrain.Host.Hosting;
using Pretrain.Recipes.Pipeline;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining;
using Serilog;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain run RECIPE</c>: runs a recipe and prints the test accuracy.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var recipe = CommonOptions.Recipe();
        var set = CommonOptions.Set();
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue an interrupted run in its run folder: finished pretraining layers are loaded from its stack/ and not retrained.",
        };
        var seeds = new Option<string?>("--seeds")
        {
            Description = "Comma-separated seeds (e.g. 0,1,2): run the recipe once per seed, each in its own run folder, and report the mean and spread of every accuracy.",
        };
        var memoryBudget = new Option<string?>("--memory-budget")
        {
            Description = "Host memory the data may use, e.g. 2GB: frozen-layer caches over half of it spill to disk shards and a larger shards source is streamed (sets data.memoryBudget).",
        };
        var command = new Command("run", "Run a recipe: load data, train, evaluate. Everything is written to a new run folder.")
        {
            recipe, set, device, seed, resume, seeds, memoryBudget,
        };
        command.SetAction((parse, cancellation) =>
        {
            var overrides = CommonOptions.Overrides(parse.GetValue(set), parse.GetValue(device), parse.GetValue(seed)).ToList();
            if (parse.GetValue(memoryBudget) is { } budget)
                overrides.Add($"data.memoryBudget={budget}");
            return Task.FromResult(parse.GetValue(seeds) is { } list
                ? ExecuteSeeds(parse.GetValue(recipe)!, overrides, list, cancellation)
                : Execute(parse.GetValue(recipe)!, overrides, parse.GetValue(resume), cancellation).Code);
        });
        return command;
    }

    private static int ExecuteSeeds(string recipePath, List<string> overrides, string list, CancellationToken cancellation)
    {
        var seeds = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                Console.Error.WriteLine($"--seeds: expected comma-separated integers, received '{list}'.");
                return ExitCodes.InvalidInput;
            }
            seeds.Add(value);
        }
        if (seeds.Count == 0 || seeds.Distinct().Count() != seeds.Count)
        {
            Console.Error.WriteLine($"--seeds: expected distinct integers, received '{list}'.");
            return ExitCodes.InvalidInput;
        }

        var runs = new List<(int, RunResult)>();
        foreach (var seed in seeds)
        {
            Console.Out.WriteLine($"== seed {seed}");
            var (code, result) = Execute(recipePath, [.. overrides, $"seed={seed}"], null, cancellation);
            if (code != ExitCodes.Success)
                return code;
            runs.Add((seed, result!));
        }
        var summary = SeedSummary.Of(runs);
        Console.Out.WriteLine($"== {seeds.Count} seeds ({string.Join(", ", seeds)})");
        foreach (var metric in summary.Metrics)
            Console.Out.WriteLine(metric.ToString());
        var file = Path.Combine(Path.GetDirectoryName(runs[0].Item2.RunFolder)!, $"{Path.GetFileName(runs[0].Item2.RunFolder)}-seeds.json");
        Pretraining.IO.AtomicFile.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(summary, SummaryJson));
        Console.Out.WriteLine($"Summary: {file}");
        return ExitCodes.Success;
    }

    private static readonly System.Text.Json.JsonSerializerOptions SummaryJson = new()
    {
        WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
    };

    private static (int Code, RunResult? Result) Execute(string recipePath, IEnumerable<string> overrides, string? resume, CancellationToken cancellation)
    {
        LoadedRecipe loaded;
        try
        {
            loaded = RecipeLoader.Load(recipePath, overrides);
        }
        catch (RecipeException e)
        {
            Console.Error.WriteLine(e.Message);
            return (ExitCodes.InvalidInput, null);
        }

        RunFolder folder;
        try
        {
            folder = resume is null ? RunFolder.Create(loaded.Recipe.Output, loaded.Recipe.Name, DateTimeOffset.Now) : RunFolder.Open(resume);
        }
        catch (PretrainException e)
        {
            Console.Error.WriteLine(e.Message);
            return (ExitCodes.InvalidInput, null);
        }
        folder.WriteRecipe(loaded);
        var progress = ConsoleProgress.CreateForThisTerminal();
        using var host = PretrainHostBuilder.Build(folder.LogFile, progress?.ConsoleLevel);
        var runner = host.Services.GetRequiredService<RecipeRunner>();
        try
        {
            var result = progress is null
                ? runner.Run(loaded, folder, null, cancellation)
                : progress.Show(callback => runner.Run(loaded, folder, callback, cancellation));
            if (result.Probe is { } probe)
                Console.Out.WriteLine($"Linear probe with {probe.LabeledExamples} labels: test accuracy {probe.PretrainedFeatures:F4} on pretrained features, {probe.RawInputs:F4} on raw inputs.");
            if (result.TestAccuracy is double accuracy)
                Console.Out.WriteLine($"Test accuracy: {accuracy:F4} ({result.EpochsRun} epochs).");
            if (result.ConsistencyTestAccuracy is double consistent)
                Console.Out.WriteLine(result.ConsistencyKeptStart == true
                    ? $"Consistency training did not beat the network on validation, so it was kept as trained: test accuracy {consistent:F4}."
                    : $"After consistency training on the unlabeled examples: test accuracy {consistent:F4}.");
            if (result.DistilledTestAccuracy is double distilled)
                Console.Out.WriteLine($"Student distilled from it on the unlabeled examples: test accuracy {distilled:F4}.");
            if (result.ScratchTestAccuracy is double scratch)
                Console.Out.WriteLine($"Same network from random weights: test accuracy {scratch:F4}.");
            if (result.ScratchConsistencyTestAccuracy is double scratchConsistent)
                Console.Out.WriteLine(result.ScratchConsistencyKeptStart == true
                    ? $"Consistency training did not beat the network from random weights on validation, so it was kept as trained: test accuracy {scratchConsistent:F4}."
                    : $"The network from random weights after consistency training: test accuracy {scratchConsistent:F4}.");
            if (result.ScratchDistilledTestAccuracy is double scratchDistilled)
                Console.Out.WriteLine($"Student distilled from the network from random weights: test accuracy {scratchDistilled:F4}.");
            if (result.StackFolder is not null)
                Console.Out.WriteLine($"Pretrained stack: {result.StackFolder}");
            Console.Out.WriteLine($"Run folder: {result.RunFolder} ({result.Seconds:F0} s)");
            return (ExitCodes.Success, result);
        }
        catch (PretrainException e)
        {
            LogOnlyToFile.Logger.Error("{Message}", e.Message);
            Console.Error.WriteLine(e.Message);
            return (ExitCodes.InvalidInput, null);
        }
        catch (OperationCanceledException)
        {
            Log.Warning("Run interrupted; partial results are in {Folder}", folder.Path);
            return (ExitCodes.Failure, null);
        }
#pragma warning disable CA1031 // The command's last line of defence: log the failure with its stack trace to the run's log, exit 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogOnlyToFile.Logger.Fatal(e, "Run failed");
            Console.Error.WriteLine($"Run failed: {e.Message} (details in {folder.LogFile})");
            return (ExitCodes.Failure, null);
        }
    }
}
