namespace Pretrain.Pretraining.Data;

/// <summary>Which half of Fashion-MNIST.</summary>
public enum FashionMnistSplit
{
    /// <summary>The 60,000 training images (5,000 in the embedded slice).</summary>
    Train,
    /// <summary>The 10,000 test images (1,000 in the embedded slice).</summary>
    Test,
}

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28x28 grey images of 10 kinds of clothing, as IDX files.
/// On Debian and Ubuntu, <c>apt-get install dataset-fashion-mnist</c> puts them in <see cref="DefaultDirectory"/>.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Class names by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The file name stem of a split (<c>train</c> or <c>t10k</c>).</summary>
    public static string Stem(FashionMnistSplit split) => split == FashionMnistSplit.Train ? "train" : "t10k";

    /// <summary>Loads <paramref name="split"/> from the four <c>.gz</c> files in <paramref name="directory"/>.</summary>
    public static Dataset Load(string directory, FashionMnistSplit split)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var images = Path.Combine(directory, $"{Stem(split)}-images-idx3-ubyte.gz");
        var labels = Path.Combine(directory, $"{Stem(split)}-labels-idx1-ubyte.gz");
        if (!File.Exists(images))
            throw new DataException(images, Directory.Exists(directory)
                ? "file not found: the folder does not hold Fashion-MNIST's IDX files."
                : $"file not found: install Debian's package (apt-get install dataset-fashion-mnist) or give the folder that holds the files.");
        return IdxReader.LoadLabeled(images, labels, ClassNames.Count);
    }
}
