namespace Pretrain.Host.Distributed;

/// <summary>
/// What a worker needs to run one queued recipe, stored with the job in PostgreSQL: the recipe's text (so workers do
/// not need the submitter's copy), the path it was read from (its relative data paths resolve against that folder,
/// which must be visible to the workers, e.g. on the shared root), the overrides, and the sweep it belongs to.
/// A plain settable class because Hangfire stores job arguments as JSON through Newtonsoft.Json.
/// </summary>
public sealed class RecipeJobArguments
{
    /// <summary>The recipe's name (for logs and the run folder).</summary>
    public string Name { get; set; } = "run";

    /// <summary>The recipe file's text as submitted.</summary>
    public string RecipeJson { get; set; } = "";

    /// <summary>The absolute path the recipe was read from.</summary>
    public string RecipePath { get; set; } = "";

    /// <summary>Overrides applied in order (<c>path=value</c>), the seed and sweep point included.</summary>
    public List<string> Overrides { get; set; } = [];

    /// <summary>The submission this job belongs to: one per <c>pretrain submit</c>.</summary>
    public string SweepId { get; set; } = "";

    /// <summary>This job's sweep point, e.g. <c>training.learningRate=0.001</c> (empty without --sweep).</summary>
    public string Point { get; set; } = "";

    /// <summary>This job's seed.</summary>
    public int Seed { get; set; }

    /// <summary>How many jobs the submission made (the sweep summary is written when all have finished).</summary>
    public int SweepSize { get; set; } = 1;
}
