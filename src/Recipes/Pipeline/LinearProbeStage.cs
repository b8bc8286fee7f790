using Pretrain.FineTuning.Evaluation;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Recipes.Pipeline;

/// <summary>Test accuracy of softmax classifiers on the stack's frozen top features and on the raw inputs.</summary>
/// <param name="PretrainedFeatures">Test accuracy on the top layer's features.</param>
/// <param name="RawInputs">Test accuracy on the scaled raw inputs.</param>
/// <param name="LabeledExamples">Labeled examples both classifiers were trained on.</param>
public sealed record ProbeResult(double PretrainedFeatures, double RawInputs, long LabeledExamples);

/// <summary>The linear-probe evaluation of a pretrained stack.</summary>
internal static class LinearProbeStage
{
    public static ProbeResult Run(PretrainedStack stack, PreparedData data, RunContext context)
    {
        const string Stage = "the linear probe", Field = "evaluation.linearProbe";
        var test = PreparedData.InMemory(data.Test ?? throw new InvalidOperationException("the linear probe needs test data"), Stage, Field);
        var validation = PreparedData.InMemory(data.Validation ?? throw new InvalidOperationException("the linear probe needs validation data"), Stage, Field);
        var train = PreparedData.InMemory(data.Train, Stage, Field);
        var pretrained = LinearProbe.Evaluate($"the top of the {stack.Layers.Count}-layer stack", x => Flatten(stack.Encode(x)), train, validation, test, context);
        var raw = LinearProbe.Evaluate("raw inputs", x => x.alias(), train, validation, test, context);
        return new ProbeResult(pretrained.Accuracy, raw.Accuracy, data.Train.Count);
    }

    // [B, C, H, W] feature maps of a convolutional top layer -> [B, C*H*W]: the probe is a softmax over flat features.
    private static TorchSharp.torch.Tensor Flatten(TorchSharp.torch.Tensor features)
    {
        if (features.dim() == 2)
            return features;
        using (features)
            return features.flatten(1);
    }
}
