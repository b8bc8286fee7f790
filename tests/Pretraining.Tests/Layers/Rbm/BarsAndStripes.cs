using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Layers.Rbm;

/// <summary>The 4x4 bars-and-stripes patterns (every subset of rows, or of columns, switched on), repeated.</summary>
internal static class BarsAndStripes
{
    public static TensorLayerInput Make(int copies = 50)
    {
        var patterns = new HashSet<string>();
        var rows = new List<float[]>();
        for (var mask = 0; mask < 16; mask++)
        {
            foreach (var horizontal in new[] { true, false })
            {
                var pixels = new float[16];
                for (var r = 0; r < 4; r++)
                    for (var c = 0; c < 4; c++)
                        pixels[r * 4 + c] = ((mask >> (horizontal ? r : c)) & 1) == 1 ? 1f : 0f;
                if (patterns.Add(string.Join("", pixels)))
                    rows.Add(pixels);
            }
        }
        var data = Enumerable.Range(0, copies).SelectMany(_ => rows).SelectMany(r => r).ToArray();
        return new TensorLayerInput(tensor(data, [copies * rows.Count, 16]));
    }
}
