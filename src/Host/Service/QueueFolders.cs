using Pretrain.Pretraining.IO;

namespace Pretrain.Host.Service;

/// <summary>
/// The job queue on disk: recipes dropped into <c>inbox/</c> move to <c>running/</c> when a worker takes them and to
/// <c>done/</c> or <c>failed/</c> when they end. Every move is a rename within one file system, so a job is always in
/// exactly one folder, whatever happens to the process. Beside each job: <c>NAME.run</c> (its run folder) while it
/// runs and after, <c>NAME.reason.txt</c> when it failed.
/// </summary>
internal sealed class QueueFolders
{
    public QueueFolders(string root)
    {
        Root = Path.GetFullPath(root);
        foreach (var folder in new[] { Inbox, Running, Done, Failed })
            Directory.CreateDirectory(folder);
    }

    public string Root { get; }

    public string Inbox => Path.Combine(Root, "inbox");

    public string Running => Path.Combine(Root, "running");

    public string Done => Path.Combine(Root, "done");

    public string Failed => Path.Combine(Root, "failed");

    public string StatusFile => Path.Combine(Root, "status.json");

    /// <summary>Recipes waiting in the inbox, oldest first (ties by name), skipping files still being written (<c>.tmp</c>, hidden).</summary>
    public IReadOnlyList<string> Waiting() => Jobs(Inbox);

    /// <summary>Jobs left in <c>running/</c> by a service that stopped or died: they resume first.</summary>
    public IReadOnlyList<string> Interrupted() => Jobs(Running);

    /// <summary>Moves a job from the inbox to <c>running/</c>; false when another worker took it first.</summary>
    public bool TryClaim(string name)
    {
        try
        {
            File.Move(Path.Combine(Inbox, name), Path.Combine(Running, name));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The run folder recorded for a running job, if it got that far.</summary>
    public string? RunFolderOf(string name)
    {
        var file = Path.Combine(Running, name + ".run");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }

    /// <summary>Records the job's run folder, so a restarted service resumes in the same folder.</summary>
    public void RecordRunFolder(string name, string runFolder) => AtomicFile.WriteAllText(Path.Combine(Running, name + ".run"), runFolder + "\n");

    /// <summary>Moves a finished job (and its run-folder note) to <c>done/</c>.</summary>
    public void Complete(string name) => Finish(name, Done);

    /// <summary>Moves a failed job to <c>failed/</c> with the reason written beside it.</summary>
    public void Fail(string name, string reason)
    {
        AtomicFile.WriteAllText(Path.Combine(Failed, name + ".reason.txt"), reason.TrimEnd() + "\n");
        Finish(name, Failed);
    }

    private void Finish(string name, string destination)
    {
        var note = Path.Combine(Running, name + ".run");
        if (File.Exists(note))
            File.Move(note, Path.Combine(destination, name + ".run"), overwrite: true);
        File.Move(Path.Combine(Running, name), Path.Combine(destination, name), overwrite: true);
    }

    private static List<string> Jobs(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && !f.Name.EndsWith(".tmp", StringComparison.Ordinal) && !f.Name.EndsWith(".run", StringComparison.Ordinal))
            .OrderBy(f => f.CreationTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => f.Name)
            .ToList();
}
