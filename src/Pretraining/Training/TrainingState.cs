using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// The named tensors and values of a checkpoint, as a trainer saves and reloads them. Optimizer state (TorchSharp's own
/// binary format) and random-generator states are stored as byte tensors, so the whole checkpoint is one safetensors
/// file. Owns the tensors it holds.
/// </summary>
public sealed class TrainingState : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>The tensors, by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>The string values, by name.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Where the state came from, for error messages (a file path, or "memory").</summary>
    public string Source { get; init; } = "memory";

    /// <summary>Stores a CPU copy of <paramref name="tensor"/> under <paramref name="name"/>.</summary>
    public void Add(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Replace(name, tensor.to(CPU).clone().MoveToOuterDisposeScope().DetachFromDisposeScope());
    }

    /// <summary>Stores a string value.</summary>
    public void Set(string name, string value) => _values[name] = value;

    /// <summary>The value <paramref name="name"/>; throws naming the checkpoint when it is missing.</summary>
    public string Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new PretrainException($"{Source}: checkpoint has no value '{name}'.");

    /// <summary>Copies the stored tensor <paramref name="name"/> into <paramref name="target"/> (same shape), in place.</summary>
    public void CopyInto(string name, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var stored = Require(name);
        if (!stored.shape.SequenceEqual(target.shape))
            throw new PretrainException($"{Source}: checkpoint tensor '{name}' has shape [{string.Join(", ", stored.shape)}], the model expects [{string.Join(", ", target.shape)}].");
        using var _ = no_grad();
        target.copy_(stored);
    }

    /// <summary>Stores <paramref name="optimizer"/>'s state (moments, step counts, rates) under <paramref name="name"/>.</summary>
    public void AddOptimizer(string name, optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            Checkpointable(optimizer).save_state_dict(writer);
        Replace(name, tensor(stream.ToArray()).DetachFromDisposeScope());
    }

    /// <summary>Restores <paramref name="optimizer"/>'s state from <paramref name="name"/> (same optimizer kind and parameter groups).</summary>
    public void LoadOptimizer(string name, optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var bytes = Require(name).data<byte>().ToArray();
        using var reader = new BinaryReader(new MemoryStream(bytes));
        try
        {
            Checkpointable(optimizer).load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new PretrainException($"{Source}: the optimizer state '{name}' does not fit this optimizer ({e.Message}).");
        }
    }

    /// <summary>Stores <paramref name="generator"/>'s state, so draws continue exactly where they stopped.</summary>
    public void AddGenerator(string name, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Replace(name, generator.get_state().DetachFromDisposeScope());
    }

    /// <summary>Restores <paramref name="generator"/>'s state from <paramref name="name"/>.</summary>
    public void LoadGenerator(string name, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        generator.set_state(Require(name));
    }

    /// <summary>Adopts <paramref name="tensor"/> (already on the CPU and owned by no scope) under <paramref name="name"/>.</summary>
    internal void Adopt(string name, Tensor tensor) => Replace(name, tensor);

    // TorchSharp's managed optimizers (Adam, SGD, ...) derive from OptimizerHelper, which carries the state serializer.
    private static TorchSharp.Modules.OptimizerHelper Checkpointable(optim.Optimizer optimizer) =>
        optimizer as TorchSharp.Modules.OptimizerHelper ?? throw new PretrainException($"the optimizer {optimizer.GetType().Name} cannot be checkpointed.");

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
            tensor.Dispose();
        _tensors.Clear();
    }

    private Tensor Require(string name) =>
        _tensors.TryGetValue(name, out var tensor) ? tensor : throw new PretrainException($"{Source}: checkpoint has no tensor '{name}'.");

    private void Replace(string name, Tensor tensor)
    {
        if (_tensors.Remove(name, out var old))
            old.Dispose();
        _tensors[name] = tensor;
    }
}
