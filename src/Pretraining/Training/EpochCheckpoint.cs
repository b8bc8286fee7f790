using Pretrain.Pretraining.IO;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// Where an <see cref="EpochLoop"/> keeps its checkpoint: one safetensors file holding the weights, the trainer's state
/// (optimizer, generators), the best-epoch snapshot and the loop's own state, rewritten atomically after every epoch,
/// so a killed run resumes after its last finished epoch and trains exactly as if it had not been interrupted.
/// </summary>
/// <param name="Path">The checkpoint file (e.g. <c>RUN/checkpoints/supervised.safetensors</c>).</param>
public sealed record EpochCheckpoint(string Path)
{
    /// <summary>True when a checkpoint was written.</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>Writes <paramref name="state"/> atomically (a crash leaves the previous checkpoint whole).</summary>
    public void Save(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        SafeTensorsFile.Write(Path, state.Tensors, state.Values);
    }

    /// <summary>Reads the checkpoint; errors name the file.</summary>
    public TrainingState Load()
    {
        var content = SafeTensorsFile.Read(Path);
        var state = new TrainingState { Source = Path };
        foreach (var (name, value) in content.Metadata)
            state.Set(name, value);
        foreach (var (name, tensor) in content.Tensors)
            state.Adopt(name, tensor);
        return state;
    }
}
