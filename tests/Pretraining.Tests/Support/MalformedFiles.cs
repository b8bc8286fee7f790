namespace Pretrain.Pretraining.Tests.Support;

/// <summary>
/// The property every reader of untrusted files must have: for any bytes, reading either succeeds or throws the
/// reader's <see cref="DataException"/> naming the file (never another exception type), and allocates no more managed
/// memory than the file's size justifies.
/// </summary>
internal static class MalformedFiles
{
    /// <summary>Managed bytes a read may allocate beyond a small multiple of the file (messages, stack traces, JSON nodes).</summary>
    private const long Slack = 4L * 1024 * 1024;

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, reads it with <paramref name="read"/> and checks the property; returns true when the read succeeded.</summary>
    public static bool ReadsOrRefuses(string path, byte[] bytes, Action<string> read, long expansion = 1)
    {
        File.WriteAllBytes(path, bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var succeeded = false;
        try
        {
            read(path);
            succeeded = true;
        }
        catch (DataException e)
        {
            e.FilePath.Should().NotBeNull().And.Contain(Path.GetFileName(path), "the error names the file");
            e.Message.Should().StartWith(e.FilePath);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        allocated.Should().BeLessThanOrEqualTo(16 * expansion * bytes.Length + Slack, "a read allocates what the file's bytes justify, not what its header claims");
        return succeeded;
    }
}
