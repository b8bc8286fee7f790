namespace Pretrain.Pretraining.Data;

/// <summary>
/// The Fashion-MNIST slice shipped inside this assembly (the first 5,000 training and 1,000 test images; see
/// data/fashion-mnist-slice/README.md for attribution and licence), so a first run needs no download.
/// </summary>
public static class EmbeddedFashionMnist
{
    /// <summary>Loads <paramref name="split"/> of the embedded slice: labels 0..9, sample shape [28, 28].</summary>
    public static Dataset Load(FashionMnistSplit split)
    {
        var stem = FashionMnist.Stem(split);
        var imagesName = $"Pretrain.Data.FashionMnistSlice.{stem}-images-idx3-ubyte.gz";
        var labelsName = $"Pretrain.Data.FashionMnistSlice.{stem}-labels-idx1-ubyte.gz";
        var images = ReadResource(imagesName);
        var labels = ReadResource(labelsName);
        var dataset = IdxReader.Load(images, $"embedded:{stem}-images", labels, $"embedded:{stem}-labels", FashionMnist.ClassNames.Count);
        return dataset;
    }

    private static IdxArray ReadResource(string name)
    {
        using var stream = typeof(EmbeddedFashionMnist).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build.");
        return IdxReader.Read(stream, name);
    }
}
