using System.Globalization;
using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// Reads and checks a <see cref="TextNetworkManifest"/> before anything is allocated from it: every problem is a
/// <see cref="DataException"/> naming the manifest and the JSON path of the field, as
/// <see cref="NetworkManifestReader"/> does for dense networks. The parameter count the architecture implies must fit
/// in the weights file, so a forged manifest cannot make the loader build a module larger than the file justifies.
/// Checksums are compared by the loader (<see cref="VerifyChecksums"/>), which reads the files anyway.
/// </summary>
public static class TextNetworkManifestReader
{
    /// <summary>Reads the text model manifest at <paramref name="path"/> and checks it as described above.</summary>
    public static TextNetworkManifest Read(string path)
    {
        var kind = NetworkManifestReader.KindOf(path);
        if (kind != TextNetworkManifest.Kind)
            throw new DataException(path, $"architecture.kind: expected 'text' for a text model, received '{kind}'.");
        var manifest = NetworkManifestReader.Deserialize<TextNetworkManifest>(path);
        Check(path, manifest);
        return manifest;
    }

    /// <summary>The weights file <paramref name="manifest"/> names, next to the manifest at <paramref name="manifestPath"/>.</summary>
    public static string WeightsPath(string manifestPath, TextNetworkManifest manifest) => Beside(manifestPath, manifest?.Weights.File);

    /// <summary>The vocabulary file <paramref name="manifest"/> names, next to the manifest at <paramref name="manifestPath"/>.</summary>
    public static string VocabularyPath(string manifestPath, TextNetworkManifest manifest) => Beside(manifestPath, manifest?.Vocabulary.File);

    /// <summary>
    /// Compares the weights and vocabulary files with their SHA-256 in the manifest: a modified, swapped or cut-short
    /// file is a <see cref="DataException"/> naming it.
    /// </summary>
    public static void VerifyChecksums(string manifestPath, TextNetworkManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Pretraining.IO.FileChecksum.Verify(WeightsPath(manifestPath, manifest), manifest.Weights.Sha256);
        Pretraining.IO.FileChecksum.Verify(VocabularyPath(manifestPath, manifest), manifest.Vocabulary.Sha256);
    }

    private static string Beside(string manifestPath, string? file)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        ArgumentNullException.ThrowIfNull(file);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, file);
    }

    private static void Check(string path, TextNetworkManifest manifest)
    {
        void Fail(string field, string problem) => throw new DataException(path, $"{field}: {problem}");
        static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

        if (manifest.Format != NetworkManifest.FormatName)
            Fail("format", $"expected '{NetworkManifest.FormatName}', received '{manifest.Format}'.");
        if (manifest.Version is < TextNetworkManifest.FirstVersion or > NetworkManifest.CurrentVersion)
            Fail("version", $"a text model is network format {TextNetworkManifest.FirstVersion} or later and this Pretrain reads up to {NetworkManifest.CurrentVersion}; the file has {manifest.Version}.");

        var a = manifest.Architecture;
        if (a.Window < 1 || a.Window % 2 == 0)
            Fail("architecture.window", $"expected an odd positive number of words (a centre word and equal context on each side), received {a.Window}.");
        if (a.VocabularySize < 3)
            Fail("architecture.vocabularySize", $"expected at least 3 tokens (padding, unknown and a word), received {a.VocabularySize}.");
        if (a.EmbeddingSize < 1)
            Fail("architecture.embeddingSize", $"expected a positive integer, received {a.EmbeddingSize}.");
        if (a.HiddenLayers.Count == 0)
            Fail("architecture.hiddenLayers", "expected at least one layer width.");
        for (var i = 0; i < a.HiddenLayers.Count; i++)
        {
            if (a.HiddenLayers[i] < 1)
                Fail($"architecture.hiddenLayers[{i}]", $"expected a positive integer, received {a.HiddenLayers[i]}.");
        }
        if (!Enum.IsDefined(a.Activation))
            Fail("architecture.activation", $"unknown activation {a.Activation}.");
        if (!TextNetworkArchitecture.Poolings.Contains(a.Pooling, StringComparer.Ordinal))
            Fail("architecture.pooling", $"expected one of {string.Join(", ", TextNetworkArchitecture.Poolings)}, received '{a.Pooling}'.");
        if (a.ClassCount < 2)
            Fail("architecture.classCount", $"expected at least 2 classes, received {a.ClassCount}.");

        var input = manifest.Input;
        if (input.Dtype != "text")
            Fail("input.dtype", $"expected 'text' (a text model reads documents), received '{input.Dtype}'.");
        if (input.Tokenizer != "words")
            Fail("input.tokenizer", $"expected 'words', received '{input.Tokenizer}'.");
        // A bound on what a batch of documents allocates: a forged manifest must not make predict ask for gigabytes.
        if (input.MaxWords is < 1 or > TextNetworkInput.MaxMaxWords)
            Fail("input.maxWords", $"expected a positive integer up to {TextNetworkInput.MaxMaxWords}, received {input.MaxWords}.");
        // The ids this Pretrain's vocabulary gives its special tokens; recorded so other readers need not know them.
        if (input.PaddingId != 0)
            Fail("input.paddingId", $"expected 0, received {input.PaddingId}.");
        if (input.UnknownId != 1)
            Fail("input.unknownId", $"expected 1, received {input.UnknownId}.");

        if (manifest.Classes.Count != a.ClassCount)
            Fail("classes", $"expected {a.ClassCount} names (architecture.classCount), received {manifest.Classes.Count}.");
        if (manifest.Classes.Any(string.IsNullOrEmpty) || manifest.Classes.Distinct(StringComparer.Ordinal).Count() != manifest.Classes.Count)
            Fail("classes", "expected distinct, non-empty names.");

        NetworkManifestReader.CheckFile(path, "vocabulary", manifest.Vocabulary.File, manifest.Vocabulary.Sha256);
        var weightsFile = NetworkManifestReader.CheckFile(path, "weights", manifest.Weights.File, manifest.Weights.Sha256);
        if (manifest.Vocabulary.File == manifest.Weights.File)
            Fail("vocabulary.file", $"expected a file other than the weights, received '{manifest.Vocabulary.File}'.");
        if (!TryParameterBytes(a, out var bytes) || bytes > weightsFile.Length)
            Fail("architecture", $"the layers need {(bytes < 0 ? "more than 2^63" : Number(bytes))} bytes of float32 weights but '{manifest.Weights.File}' has {Number(weightsFile.Length)} bytes.");
    }

    /// <summary>Bytes of the float32 parameters (embedding, dense layers, softmax layer) the architecture needs; false on overflow.</summary>
    private static bool TryParameterBytes(TextNetworkArchitecture a, out long bytes)
    {
        bytes = -1;
        try
        {
            checked
            {
                long total = (long)a.VocabularySize * a.EmbeddingSize;
                long inputs = (long)a.Window * a.EmbeddingSize;
                foreach (var units in a.HiddenLayers)
                {
                    total += inputs * units + units;
                    inputs = units;
                }
                total += (long)a.ClassCount * a.PooledFeatures + a.ClassCount;
                bytes = total * sizeof(float);
            }
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
