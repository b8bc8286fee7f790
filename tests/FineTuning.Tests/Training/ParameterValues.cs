using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Training;

/// <summary>Every parameter value of a network, in order, to compare two trainings exactly.</summary>
internal static class ParameterValues
{
    public static float[] Of(nn.Module network) => network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
}
