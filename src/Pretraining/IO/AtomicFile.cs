using System.Text;

namespace Pretrain.Pretraining.IO;

/// <summary>
/// Writes files so that a crash never leaves a half-written one: the content goes to a temporary file in the same
/// folder, is flushed to disk, then renamed over the target (a rename within one file system is atomic).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes);
        });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file, then moves it over <paramref name="path"/>. If
    /// <paramref name="write"/> throws, the target is untouched and the temporary file is removed.
    /// </summary>
    public static void Write(string path, Action<Stream> write) => Write(path, write, durable: true);

    /// <summary>
    /// <see cref="Write(string, Action{Stream})"/>, choosing whether the content is flushed to the disk before the rename.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Fills the temporary file.</param>
    /// <param name="durable">
    /// Flush to the disk first (true): the file survives a power cut. False still never leaves a half-written file
    /// under <paramref name="path"/> after a crash of the process, and does not wait for the disk: for scratch files that
    /// are rebuilt rather than read back after a crash.
    /// </param>
    public static void Write(string path, Action<Stream> write, bool durable)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: durable);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Appends one line to <paramref name="path"/> and flushes it (for JSON-lines metrics logs, where a torn last line is tolerated by readers).</summary>
    public static void AppendLine(string path, string line)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = new UTF8Encoding(false).GetBytes(line + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
