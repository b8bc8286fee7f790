using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Keeps a whole data set on the training device when it fits, so minibatches need no host-to-device copy.
/// On the CPU that is where it already is.
/// </summary>
public static class DevicePlacement
{
    /// <summary>Largest data set moved to a CUDA device whole. Default 4 GiB.</summary>
    public static long DeviceBudgetBytes { get; set; } = 4L << 30;

    /// <summary>True when <paramref name="data"/> should live on <paramref name="device"/> as a whole.</summary>
    public static bool FitsOnDevice(Dataset data, Device device)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(device);
        var bytes = data.Count * data.FeatureCount * sizeof(float) + (data.Labels is null ? 0 : data.Count * sizeof(long));
        return device.type == DeviceType.CPU || bytes <= DeviceBudgetBytes;
    }

    /// <summary>
    /// <paramref name="data"/> itself when it is already on <paramref name="device"/> or does not fit there (trainers
    /// then copy each batch); otherwise a copy on the device.
    /// </summary>
    public static Dataset PlaceOnDevice(Dataset data, Device device)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(device);
        if (data.Device == device || !FitsOnDevice(data, device))
            return data;
        return data.To(device);
    }
}
