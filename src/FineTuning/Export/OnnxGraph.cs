using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// Appends nodes and float32 initializers to an ONNX <see cref="GraphProto"/> and names intermediate values, so the
/// exporter reads as a list of layers rather than protobuf plumbing. Value names are unique: <c>NAME</c>, or
/// <c>NAME_2</c>, <c>NAME_3</c>... when taken.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new() { Name = "pretrain-network" };

    /// <summary>Declares a graph input or output of shape <c>[batch, width]</c>, float32 unless <paramref name="type"/> says otherwise.</summary>
    public static ValueInfoProto BatchOf(string name, long width, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimParam = "batch" },
                        new TensorShapeProto.Types.Dimension { DimValue = width },
                    },
                },
            },
        },
    };

    /// <summary>Reserves <paramref name="name"/> (a graph input's, say) so no other value takes it.</summary>
    public string Reserve(string name) => _names.Add(name) ? name : Reserve(Next(name));

    /// <summary>Adds a float32 initializer holding <paramref name="values"/> with <paramref name="dims"/>; returns its name.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian by the ONNX spec; every platform TorchSharp ships for is little-endian.
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>
    /// Adds an initializer with a copy of <paramref name="value"/> (float32), stored with <paramref name="dims"/> when
    /// given (the same number of values, e.g. a [C] vector as [C, 1, 1] to broadcast over images), else its own shape.
    /// </summary>
    public string Constant(string name, Tensor value, long[]? dims = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.dtype != ScalarType.Float32)
            throw new PretrainException($"ONNX export: tensor '{name}' is {value.dtype}; expected float32.");
        using var cpu = value.detach().cpu().contiguous();
        if (dims is not null && dims.Aggregate(1L, (a, b) => a * b) != cpu.numel())
            throw new ArgumentException($"tensor '{name}' has {cpu.numel()} values, which do not fill [{string.Join(", ", dims)}].", nameof(dims));
        return Constant(name, cpu.data<float>().ToArray(), dims ?? cpu.shape);
    }

    /// <summary>Adds an int64 initializer (a vector), as Reshape's target shape needs; returns its name.</summary>
    public string Int64Constant(string name, params long[] values) => Int64Constant(name, values, [values.Length]);

    /// <summary>Adds an int64 initializer holding <paramref name="values"/> with <paramref name="dims"/> (none: a scalar); returns its name.</summary>
    public string Int64Constant(string name, long[] values, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Aggregate(1L, (a, b) => a * b) != values.Length)
            throw new ArgumentException($"constant '{name}' has {values.Length} values, which do not fill [{string.Join(", ", dims)}].", nameof(dims));
        var tensor = new TensorProto { Name = Reserve(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node of <paramref name="opType"/> over <paramref name="inputs"/>; returns its output's name.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Reserve(name);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An attribute holding a list of integers (kernel shapes, strides, pads).</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string Next(string name)
    {
        var i = 2;
        while (_names.Contains($"{name}_{i}"))
            i++;
        return $"{name}_{i}";
    }
}
