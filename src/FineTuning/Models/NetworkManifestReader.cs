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

    /// <summary>
    /// Reads the manifest at <paramref name="path"/> and checks it (and the weights file's size) as described above. A
    /// text model's manifest (<see cref="KindOf"/> says <c>text</c>) is refused with a message pointing to
    /// <see cref="TextNetworkManifestReader"/>: its input is documents, not features.
    /// </summary>
    public static NetworkManifest Read(string path)
    {
        if (KindOf(path) == TextNetworkManifest.Kind)
            throw new DataException(path, "architecture.kind: 'text': a text model reads documents, not numeric features; load it as a text model (PretrainedModel.Load, SavedTextClassifier.Load, pretrain predict).");
        var manifest = Deserialize<NetworkManifest>(path);
        Check(path, manifest);
        return manifest;
    }

    /// <summary>
    /// The <c>architecture.kind</c> of the manifest at <paramref name="path"/> (<c>mlp</c> when absent, as version 1
    /// allows), read without checking the rest: what a loader looks at to choose between a network and a text model.
    /// A missing, oversized or non-JSON file is a <see cref="DataException"/> naming it.
    /// </summary>
    public static string KindOf(string path)
    {
        using var document = Parse(path);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("architecture", out var architecture)
            && architecture.ValueKind == JsonValueKind.Object
            && architecture.TryGetProperty("kind", out var kind)
            && kind.ValueKind == JsonValueKind.String
                ? kind.GetString()!
                : "mlp";
    }

    /// <summary>The manifest at <paramref name="path"/> as <typeparamref name="T"/>; a missing field, null or wrong type names its JSON path.</summary>
    internal static T Deserialize<T>(string path)
        where T : class
    {
        var text = ReadText(path);
        T? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<T>(text, NetworkManifest.SerializerOptions);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a valid network manifest: {e.Message}", e);
        }
        return manifest ?? throw new DataException(path, "not a valid network manifest: the file holds null.");
    }

    private static JsonDocument Parse(string path)
    {
        var text = ReadText(path);
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a valid network manifest: {e.Message}", e);
        }
    }

    private static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new DataException(path, "network manifest not found.");
        if (file.Length > MaxManifestBytes)
            throw new DataException(path, $"a network manifest of {file.Length} bytes is not plausible (at most {MaxManifestBytes}).");
        return File.ReadAllText(path);
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
        var weightsFile = CheckFile(path, "weights", weights.File, weights.Sha256);
        if (!TryParameterBytes(a, out var bytes) || bytes > weightsFile.Length)
            Fail("architecture", $"the layers need {(bytes < 0 ? "more than 2^63" : bytes.ToString(CultureInfo.InvariantCulture))} bytes of float32 weights but '{weights.File}' has {weightsFile.Length} bytes.");
    }

    /// <summary>
    /// Checks a file a manifest names (<paramref name="field"/><c>.file</c> and <c>.sha256</c>): a plain name in the
    /// manifest's folder, 64 hexadecimal digits, and the file present. Returns the file.
    /// </summary>
    internal static FileInfo CheckFile(string manifestPath, string field, string name, string sha256)
    {
        if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or "..")
            throw new DataException(manifestPath, $"{field}.file: expected a file name in the manifest's folder, received '{name}'.");
        if (!Sha256Pattern().IsMatch(sha256))
            throw new DataException(manifestPath, $"{field}.sha256: expected 64 hexadecimal digits, received '{sha256}'.");
        var file = new FileInfo(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, name));
        if (!file.Exists)
            throw new DataException(manifestPath, $"{field}.file: '{name}' not found next to the manifest.");
        return file;
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

    internal static bool TryMultiply(long a, long b, out long product)
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
