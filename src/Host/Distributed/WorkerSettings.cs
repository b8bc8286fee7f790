namespace Pretrain.Host.Distributed;

/// <summary>How this <c>pretrain serve --store</c> process works: where the shared root is and which store it serves.</summary>
/// <param name="Root">The folder all workers share (run folders under <c>runs/</c>, sweep summaries under <c>sweeps/</c>).</param>
/// <param name="Store">The PostgreSQL connection string of the job queue.</param>
/// <param name="Name">This worker's name in <c>pretrain status</c>.</param>
public sealed record WorkerSettings(string Root, string Store, string Name)
{
    /// <summary>Where run folders live.</summary>
    public string Runs => Path.Combine(Root, "runs");

    /// <summary>Where sweep results and summaries live.</summary>
    public string Sweeps => Path.Combine(Root, "sweeps");
}
