using System.IO.Compression;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Opens the features array of a NumPy <c>.npz</c> archive to be read a batch at a time (<see cref="NpyExampleReader"/>):
/// the archive entry is read in order, as it is stored (straight from the file) or deflated (inflated as it is read),
/// so only one batch is in memory however large the array is. The labels array is read whole. Errors name the archive
/// and the array as <see cref="NpzReader"/>'s do.
/// </summary>
public static class NpzExampleReader
{
    /// <summary>
    /// Opens the array <paramref name="featuresKey"/> of <paramref name="path"/> and reads <paramref name="labelsKey"/>
    /// when given. A missing file or array, an archive that is not a zip, or a bad header is a <see cref="DataException"/> here.
    /// </summary>
    public static NpyExampleReader Open(string path, string featuresKey = "x", string? labelsKey = "y")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(featuresKey);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw NpzReader.NotAnArchive(path, e);
        }
        Stream? stream = null;
        try
        {
            var features = NpzReader.Entry(archive, path, featuresKey);
            var labels = labelsKey is null ? null : NpzReader.ReadEntry(NpzReader.Entry(archive, path, labelsKey), $"{path}[{labelsKey}]");
            stream = features.Open();
            return NpyExampleReader.Open(stream, features.Length, path, $"{path}[{featuresKey}]", count => NpyReader.Labels(labels, count), archive);
        }
        catch (InvalidDataException e)
        {
            stream?.Dispose();
            archive.Dispose();
            throw NpzReader.NotAnArchive(path, e);
        }
        catch
        {
            stream?.Dispose();
            archive.Dispose();
            throw;
        }
    }
}
