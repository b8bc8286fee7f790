using System.Buffers;
using System.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Reads text files strictly as UTF-8 (a byte order mark is allowed): bytes that are not UTF-8 become a
/// <see cref="DataException"/> naming the line they are on, instead of silently turning into replacement characters.
/// </summary>
internal static class Utf8TextFile
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The lines of <paramref name="path"/> with their 1-based numbers, streamed.</summary>
    public static IEnumerable<(int Number, string Text)> Lines(string path)
    {
        EnsureExists(path);
        using var reader = new StreamReader(path, Strict, detectEncodingFromByteOrderMarks: true);
        var number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw NotUtf8(path, e);
            }
            if (line is null)
                yield break;
            yield return (++number, line);
        }
    }

    /// <summary>The whole of <paramref name="path"/>.</summary>
    public static string ReadAll(string path)
    {
        EnsureExists(path);
        try
        {
            return File.ReadAllText(path, Strict);
        }
        catch (DecoderFallbackException e)
        {
            throw NotUtf8(path, e);
        }
    }

    private static void EnsureExists(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
    }

    // The decoder works on blocks and does not know lines, so the file is scanned again (only on this error path).
    private static DataException NotUtf8(string path, DecoderFallbackException e)
    {
        var bytes = File.ReadAllBytes(path);
        var (offset, line) = (0, 1);
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes.AsSpan(offset), out _, out var consumed) != OperationStatus.Done)
                break;
            if (bytes[offset] == (byte)'\n')
                line++;
            offset += consumed;
        }
        return new DataException(path, $"line {line}: expected UTF-8 text, received the byte 0x{(offset < bytes.Length ? bytes[offset] : 0):X2}, which is not UTF-8.", e);
    }
}
