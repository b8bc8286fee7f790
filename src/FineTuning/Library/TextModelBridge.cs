using System.Reflection;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Library;

/// <summary>
/// Loads a saved text model for <see cref="PretrainedModel.Load"/> through <c>Pretrain.Auxiliary</c>'s
/// <c>SavedTextClassifier.Load(string, Device)</c>, found by name at run time. Why not a reference: Pretrain.Auxiliary
/// references this library (its encoders build on the networks here), so this library cannot name it; and the
/// tokenizer, vocabulary and document classifier a text model needs live there, where the text pipeline trains them,
/// so there is one implementation of each rather than a second copy here that could drift from the first.
/// </summary>
internal static class TextModelBridge
{
    private const string LoaderType = "Pretrain.Auxiliary.Text.SavedTextClassifier, Pretrain.Auxiliary";

    /// <summary>The text model whose manifest is <paramref name="manifestPath"/>, on <paramref name="device"/>.</summary>
    public static ITextClassifier Load(string manifestPath, Device device)
    {
        var load = Type.GetType(LoaderType, throwOnError: false)
            ?.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(Device)]);
        if (load is null)
            throw new PretrainException($"{manifestPath}: a text model; loading it needs the Pretrain.Auxiliary library (the package of that name), which holds the tokenizer, the vocabulary and the document classifier. Reference it from your application.");
        return (ITextClassifier)load.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [manifestPath, device], culture: null)!;
    }
}
