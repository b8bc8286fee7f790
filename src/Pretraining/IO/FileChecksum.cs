using System.Security.Cryptography;

namespace Pretrain.Pretraining.IO;

/// <summary>
/// SHA-256 checksums of saved model files, as the manifests record them (lower-case hex), and the check a loader makes
/// before trusting a weights file: a modified, swapped or cut-short file is refused with a message naming it.
/// </summary>
public static class FileChecksum
{
    /// <summary>The lower-case hex SHA-256 of the file at <paramref name="path"/>, read as a stream.</summary>
    public static string Sha256(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Throws <see cref="DataException"/> naming <paramref name="path"/> when the file is missing or its SHA-256 is not
    /// <paramref name="expected"/> (compared without regard to case).
    /// </summary>
    public static void Verify(string path, string expected)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found (the manifest names it).");
        var actual = Sha256(path);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw new DataException(path, $"checksum mismatch: the manifest expects SHA-256 {expected}, the file has {actual} (modified or cut short).");
    }
}
