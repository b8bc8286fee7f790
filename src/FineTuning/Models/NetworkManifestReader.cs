using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// Reads and checks a <see cref="NetworkManifest"/> before anything is allocated from it: every problem is a
/// <see cref="DataException"/> naming the manifest and the field. Sizes are multiplied with overflow checks, and the
/// parameter count the architecture implies must fit in the weights file, so a forged manifest cannot make the
/// loader build a module larger than the file on disk justifies.
/// </summary>
public static partial class NetworkManifestReader
{
    private const long MaxManifestBytes = 64L * 1024 * 1024;

    /// <summary>Reads the manifest at <paramref name="path"/> and checks it (and the weights file's size) as described above.</summary>
    public static NetworkManifest Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new DataException(path, "network manifest not found.");
        if (file.Length > MaxManifestBytes)
            throw new DataException(path, $"a network manifest of {file.Length} bytes is not plausible (at most {MaxManifestBytes}).");
        NetworkManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<NetworkManifest>(File.ReadAllText(path), NetworkManifest.SerializerOptions);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a valid network manifest: {e.Message}", e);
        }
        if (manifest is null)
            throw new DataException(path, "not a valid network manifest: the file holds null.");
        Check(path, manifest);
        return manifest;
    }

    /// <summary>The weights file <paramref name="manifest"/> names, next to the manifest at <paramref name="manifestPath"/>.</summary>
    public static string WeightsPath(string manifestPath, NetworkManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, manifest.Weights.File);
    }

    private static void Check(string path, NetworkManifest manifest)
    {
        void Fail(string field, string problem) => throw new DataException(path, $"{field}: {problem}");

        if (manifest.Format != NetworkManifest.FormatName)
            Fail("format", $"expected '{NetworkManifest.FormatName}', received '{manifest.Format}'.");
        if (manifest.Version is < 1 or > NetworkManifest.CurrentVersion)
            Fail("version", $"this Pretrain reads network format 1 to {NetworkManifest.CurrentVersion}, the file has {manifest.Version}.");
        var a = manifest.Architecture;
        if (a.Kind is not ("mlp" or "cnn"))
            Fail("architecture.kind", $"expected 'mlp' or 'cnn', received '{a.Kind}'.");
        if ((a.Kind == "cnn") != (a.Convolutions is { Count: > 0 }))
            Fail("architecture.convolutions", $"a '{a.Kind}' network {(a.Kind == "cnn" ? "needs" : "has no")} convolutions.");
        if (a.InputFeatures <= 0)
            Fail("architecture.inputFeatures", $"expected a positive integer, received {a.InputFeatures}.");
        for (var i = 0; i < a.HiddenLayers.Count; i++)
        {
            if (a.HiddenLayers[i] <= 0)
                Fail($"architecture.hiddenLayers[{i}]", $"expected a positive integer, received {a.HiddenLayers[i]}.");
        }
        if (a.ClassCount < 2)
            Fail("architecture.classCount", $"expected at least 2 classes, received {a.ClassCount}.");
        if (!Enum.IsDefined(a.Activation))
            Fail("architecture.activation", $"unknown activation {a.Activation}.");
        if (a.ActivationAlpha is double alpha && !(alpha > 0 && double.IsFinite(alpha)))
            Fail("architecture.activationAlpha", $"expected a positive number or null, received {alpha}.");
        if (a.Dropout is not (>= 0 and < 1))
            Fail("architecture.dropout", $"expected a number in [0, 1), received {a.Dropout}.");
        if (a.Kind == "cnn")
            CheckConvolutions(a, Fail);

        if (manifest.Input.Dtype != "float32")
            Fail("input.dtype", $"expected 'float32', received '{manifest.Input.Dtype}'.");
        long features = 1;
        foreach (var dimension in manifest.Input.Shape)
        {
            if (dimension <= 0 || !TryMultiply(features, dimension, out features))
                Fail("input.shape", $"expected positive sizes whose product is architecture.inputFeatures {a.InputFeatures}, received [{string.Join(", ", manifest.Input.Shape)}].");
        }
        if (manifest.Input.Shape.Count == 0 || features != a.InputFeatures)
            Fail("input.shape", $"expected positive sizes whose product is architecture.inputFeatures {a.InputFeatures}, received [{string.Join(", ", manifest.Input.Shape)}].");

        var scaling = manifest.Scaling;
        if (scaling.Kind is not ("none" or "unit" or "standardize"))
            Fail("scaling.kind", $"expected none, unit or standardize, received '{scaling.Kind}'.");
        if (scaling.Offset.Count != 1 && scaling.Offset.Count != a.InputFeatures)
            Fail("scaling.offset", $"expected 1 or {a.InputFeatures} values, received {scaling.Offset.Count}.");
        if (scaling.Scale.Count != 1 && scaling.Scale.Count != a.InputFeatures)
            Fail("scaling.scale", $"expected 1 or {a.InputFeatures} values, received {scaling.Scale.Count}.");
        if (scaling.Offset.Any(v => !float.IsFinite(v)))
            Fail("scaling.offset", "expected finite numbers.");
        if (scaling.Scale.Any(v => !float.IsFinite(v) || v == 0))
            Fail("scaling.scale", "expected finite, non-zero numbers.");

        if (manifest.Classes.Count != a.ClassCount)
            Fail("classes", $"expected {a.ClassCount} names (architecture.classCount), received {manifest.Classes.Count}.");
        if (manifest.Classes.Any(string.IsNullOrEmpty) || manifest.Classes.Distinct(StringComparer.Ordinal).Count() != manifest.Classes.Count)
            Fail("classes", "expected distinct, non-empty names.");

        var weights = manifest.Weights;
        if (weights.File.Length == 0 || weights.File != Path.GetFileName(weights.File) || weights.File is "." or "..")
            Fail("weights.file", $"expected a file name in the manifest's folder, received '{weights.File}'.");
        if (!Sha256Pattern().IsMatch(weights.Sha256))
            Fail("weights.sha256", $"expected 64 hexadecimal digits, received '{weights.Sha256}'.");
        var weightsFile = new FileInfo(WeightsPath(path, manifest));
        if (!weightsFile.Exists)
            Fail("weights.file", $"'{weights.File}' not found next to the manifest.");
        if (!TryParameterBytes(a, out var bytes) || bytes > weightsFile.Length)
            Fail("architecture", $"the layers need {(bytes < 0 ? "more than 2^63" : bytes.ToString(CultureInfo.InvariantCulture))} bytes of float32 weights but '{weights.File}' has {weightsFile.Length} bytes.");
    }

    /// <summary>The image shape holds the input features and every block fits the maps it slides over.</summary>
    private static void CheckConvolutions(NetworkArchitecture a, Action<string, string> fail)
    {
        long pixels = 1;
        if (a.ImageShape is not { Count: 3 } image || image.Any(d => d <= 0 || d > int.MaxValue || !TryMultiply(pixels, d, out pixels)) || pixels != a.InputFeatures)
            fail("architecture.imageShape", $"expected [C, H, W] of positive sizes whose product is architecture.inputFeatures {a.InputFeatures}, received [{string.Join(", ", a.ImageShape ?? [])}].");
        for (var i = 0; i < a.Convolutions!.Count; i++)
        {
            var c = a.Convolutions[i];
            if (c.Channels <= 0 || c.Kernel <= 0 || c.Stride <= 0 || c.Padding < 0 || c.PoolSize <= 0)
                fail($"architecture.convolutions[{i}]", $"expected positive channels, kernel, stride and poolSize and padding >= 0, received {c}.");
        }
        try
        {
            _ = a.ToSpec().ConvolutionShapes();
        }
        catch (ArgumentException e)
        {
            fail("architecture.convolutions", e.Message);
        }
    }

    /// <summary>Bytes of the float32 parameters (batch-norm statistics included) the architecture needs; false on overflow.</summary>
    private static bool TryParameterBytes(NetworkArchitecture a, out long bytes)
    {
        bytes = -1;
        long total = 0;
        long inputs = a.InputFeatures;
        try
        {
            checked
            {
                var channels = a.ImageShape?[0] ?? 0;
                foreach (var (c, shape) in (a.Convolutions ?? []).Zip(a.Convolutions is null ? [] : a.ToSpec().ConvolutionShapes()))
                {
                    total += c.Channels * channels * c.Kernel * c.Kernel + c.Channels + (a.BatchNorm ? 4L * c.Channels : 0);
                    (channels, inputs) = (c.Channels, shape[0] * shape[1] * shape[2]);
                }
                foreach (var units in a.HiddenLayers.Append(a.ClassCount))
                {
                    total += inputs * units + units;
                    inputs = units;
                }
                if (a.BatchNorm)
                    total += a.HiddenLayers.Sum(u => 4L * u);
                bytes = total * sizeof(float);
            }
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static bool TryMultiply(long a, long b, out long product)
    {
        try
        {
            product = checked(a * b);
            return true;
        }
        catch (OverflowException)
        {
            product = 0;
            return false;
        }
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
