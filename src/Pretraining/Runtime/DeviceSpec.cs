using TorchSharp;

namespace Pretrain.Pretraining.Runtime;

/// <summary>
/// Where tensors live, as a user writes it: <c>auto</c> (CUDA when available, otherwise CPU), <c>cpu</c>,
/// <c>cuda</c> (the first GPU) or <c>cuda:N</c>.
/// </summary>
public sealed record DeviceSpec
{
    private DeviceSpec(string text, DeviceType? type, int index)
    {
        Text = text;
        Type = type;
        Index = index;
    }

    /// <summary>The spelling the user gave, normalized to lower case.</summary>
    public string Text { get; }

    /// <summary>The requested device type, or <c>null</c> for <c>auto</c>.</summary>
    public DeviceType? Type { get; }

    /// <summary>The GPU index for <c>cuda:N</c>; -1 otherwise.</summary>
    public int Index { get; }

    /// <summary>CUDA when available, otherwise CPU. The default everywhere.</summary>
    public static DeviceSpec Auto { get; } = new("auto", null, -1);

    /// <summary>The CPU.</summary>
    public static DeviceSpec Cpu { get; } = new("cpu", DeviceType.CPU, -1);

    /// <summary>The allowed spellings, for error messages.</summary>
    public const string AllowedValues = "auto, cpu, cuda or cuda:N";

    /// <summary>Parses <c>auto | cpu | cuda | cuda:N</c>; returns false for anything else.</summary>
    public static bool TryParse(string? text, out DeviceSpec spec)
    {
        spec = Auto;
        var value = (text ?? string.Empty).Trim().ToLowerInvariant();
        switch (value)
        {
            case "auto":
                return true;
            case "cpu":
                spec = Cpu;
                return true;
            case "cuda":
                spec = new DeviceSpec("cuda", DeviceType.CUDA, 0);
                return true;
        }
        if (value.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(value.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            spec = new DeviceSpec(value, DeviceType.CUDA, index);
            return true;
        }
        return false;
    }

    /// <summary>Parses a device spelling or throws a <see cref="PretrainException"/> naming the allowed values.</summary>
    public static DeviceSpec Parse(string? text) =>
        TryParse(text, out var spec)
            ? spec
            : throw new PretrainException($"device: expected {AllowedValues}, received '{text}'.");

    /// <summary>
    /// Resolves the spec on this machine. <c>auto</c> picks CUDA when TorchSharp sees a GPU; an explicit CUDA
    /// request on a machine without one (or with fewer GPUs) is an error rather than a silent CPU fallback.
    /// </summary>
    public torch.Device Resolve()
    {
        if (Type is null)
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (Type == DeviceType.CPU)
            return torch.CPU;
        if (!torch.cuda.is_available())
            throw new PretrainException(
                $"device: '{Text}' was requested but CUDA is not available (build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU, or use 'auto' or 'cpu').");
        var count = torch.cuda.device_count();
        if (Index >= count)
            throw new PretrainException($"device: '{Text}' was requested but this machine has {count} CUDA device(s) (cuda:0..cuda:{count - 1}).");
        return new torch.Device(DeviceType.CUDA, Index);
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
