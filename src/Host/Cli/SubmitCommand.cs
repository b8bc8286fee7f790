using System.CommandLine;
using System.Globalization;
using Hangfire;
using Pretrain.Host.Distributed;
using Pretrain.Pretraining;
using Pretrain.Recipes.Model;

namespace Pretrain.Host.Cli;

/// <summary>
/// <c>pretrain submit RECIPE --store CONNECTION [--seeds 0,1,2] [--sweep path=v1,v2 ...] [--set path=value ...]</c>:
/// validates the recipe for every seed and sweep point, then enqueues one job each in the shared PostgreSQL queue and
/// prints their ids. Workers (<c>pretrain serve --store</c>) on any machine run them.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var recipe = CommonOptions.Recipe();
        var set = CommonOptions.Set();
        var store = new Option<string>("--store") { Description = "The PostgreSQL connection string of the shared job queue.", Required = true };
        var seeds = new Option<string?>("--seeds") { Description = "Comma-separated seeds: one job per seed (default: the recipe's seed)." };
        var sweep = new Option<string[]>("--sweep")
        {
            Description = "path=v1,v2,...: one job per value (repeatable: every combination); a summary per point is written when all finish.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("submit", "Enqueue a recipe (per seed and sweep point) in the shared job queue and print the job ids.") { recipe, set, store, seeds, sweep };
        command.SetAction(parse =>
        {
            try
            {
                return Execute(parse.GetValue(recipe)!, parse.GetValue(set) ?? [], parse.GetValue(store)!, parse.GetValue(seeds), parse.GetValue(sweep) ?? []);
            }
            catch (RecipeException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
            catch (PretrainException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }

    private static int Execute(string recipePath, string[] set, string store, string? seedList, string[] sweeps)
    {
        JobStore.Check(store);
        var path = Path.GetFullPath(recipePath);
        var first = RecipeLoader.Load(path, set);
        var seeds = seedList is null ? [first.Recipe.Seed] : ParseSeeds(seedList);
        var points = SweepPoints.Of(sweeps);
        var submission = $"{first.Recipe.Name}-{DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
        var text = File.ReadAllText(path);
        var jobs = new List<RecipeJobArguments>();
        foreach (var point in points)
        {
            foreach (var seed in seeds)
            {
                List<string> overrides = [.. set, .. point, $"seed={seed.ToString(CultureInfo.InvariantCulture)}"];
                RecipeLoader.Load(path, overrides); // every problem of every job before anything is enqueued
                jobs.Add(new RecipeJobArguments
                {
                    Name = first.Recipe.Name, RecipeJson = text, RecipePath = path, Overrides = overrides, SweepId = submission,
                    Point = string.Join(" ", point), Seed = seed, SweepSize = points.Count * seeds.Count,
                });
            }
        }

        var client = new BackgroundJobClient(JobStore.OpenForClient(store));
        Console.Out.WriteLine($"Submission {submission}: {jobs.Count} job(s)");
        foreach (var job in jobs)
        {
            var id = client.Enqueue<RecipeJob>(j => j.Run(job, null, CancellationToken.None));
            Console.Out.WriteLine($"  {id}  seed {job.Seed}{(job.Point.Length == 0 ? "" : "  " + job.Point)}");
        }
        Console.Out.WriteLine("When all have finished, the summary is written to ROOT/sweeps/" + submission + ".json on the workers' shared root.");
        return ExitCodes.Success;
    }

    private static List<int> ParseSeeds(string list)
    {
        var seeds = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
                throw new PretrainException($"--seeds: expected comma-separated integers, received '{list}'.");
            seeds.Add(seed);
        }
        if (seeds.Count == 0 || seeds.Distinct().Count() != seeds.Count)
            throw new PretrainException($"--seeds: expected distinct integers, received '{list}'.");
        return seeds;
    }
}
