namespace Pretrain.Pretraining.Data.Images;

/// <summary>
/// The image files of a folder, in a fixed order, with their classes: torchvision's ImageFolder layout
/// (<c>ROOT/CLASS/**/*.png</c>), where class names are the sub-folder names sorted by ordinal comparison and class k is
/// the k-th name; or, for unlabeled images, every image under the root. Only <c>.png</c>, <c>.jpg</c> and
/// <c>.jpeg</c> files count (any case); other files, and folders whose names start with a dot, are skipped.
/// </summary>
public sealed class ImageFolderIndex
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    private ImageFolderIndex(string root, IReadOnlyList<string> files, IReadOnlyList<long>? labels, IReadOnlyList<string> classNames)
    {
        (Root, Files, Labels, ClassNames) = (root, files, labels, classNames);
    }

    /// <summary>The folder that was listed.</summary>
    public string Root { get; }

    /// <summary>Full paths of the images, in the order their examples take.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The class of each file, or null for unlabeled images.</summary>
    public IReadOnlyList<long>? Labels { get; }

    /// <summary>Class names; class k is <c>ClassNames[k]</c>. Empty for unlabeled images.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The class folders of <paramref name="root"/>, sorted by ordinal comparison (as Python's <c>sorted</c>).</summary>
    public static IReadOnlyList<string> ClassNamesOf(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DataException(root, "folder not found.");
        var names = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        return names.Length > 0 ? names
            : throw new DataException(root, "no class folders; expected one sub-folder of images per class (ROOT/CLASS/image.png).");
    }

    /// <summary>
    /// Lists a folder per class. With <paramref name="classNames"/> (e.g. the training set's, for a test folder) labels
    /// follow that list, and every class folder must be in it; otherwise the folder's own classes are used.
    /// </summary>
    public static ImageFolderIndex Labeled(string root, IReadOnlyList<string>? classNames = null)
    {
        var present = ClassNamesOf(root);
        var classes = classNames ?? present;
        var unknown = present.FirstOrDefault(n => !classes.Contains(n, StringComparer.Ordinal));
        if (unknown is not null)
            throw new DataException(Path.Combine(root, unknown), $"class folder '{unknown}' is not one of the {classes.Count} training classes ({string.Join(", ", classes)}).");
        var files = new List<string>();
        var labels = new List<long>();
        foreach (var name in present)
        {
            var images = ImagesUnder(Path.Combine(root, name));
            if (images.Count == 0)
                throw new DataException(Path.Combine(root, name), $"class folder '{name}' holds no {string.Join("/", Extensions)} images.");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat((long)IndexOf(classes, name), images.Count));
        }
        return new ImageFolderIndex(root, files, labels, classes);
    }

    /// <summary>Lists every image under <paramref name="root"/> (sub-folders included), without labels.</summary>
    public static ImageFolderIndex Unlabeled(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DataException(root, "folder not found.");
        var files = ImagesUnder(root);
        return files.Count > 0 ? new ImageFolderIndex(root, files, null, [])
            : throw new DataException(root, $"no {string.Join("/", Extensions)} images in the folder or its sub-folders.");
    }

    /// <summary>
    /// Lists a folder to predict on: class folders when <paramref name="root"/> has them (labels follow
    /// <paramref name="classNames"/>, e.g. a model's, and a folder of another name is refused by its path; null: the
    /// folder's own sorted names), else the images directly inside it, unlabeled. A root holding both class folders and
    /// loose images is refused rather than leave the loose ones out, as the recipes' class-folder layout would.
    /// </summary>
    public static ImageFolderIndex LabeledOrFlat(string root, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DataException(root, "folder not found.");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).ToList();
        var loose = Directory.EnumerateFiles(root).Where(IsImage).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        if (folders.Count == 0)
            return loose.Count > 0 ? Unlabeled(root)
                : throw new DataException(root, $"no {string.Join("/", Extensions)} images and no class folders; expected ROOT/CLASS/image.png, or images directly in the folder (unlabeled).");
        if (loose.Count > 0)
            throw new DataException(root, $"holds both class folders ({string.Join(", ", folders.Order(StringComparer.Ordinal))}) and {loose.Count} image(s) directly inside (e.g. {Path.GetFileName(loose.Order(StringComparer.Ordinal).First())}); expected one or the other.");
        return Labeled(root, classNames);
    }

    private static bool IsImage(string file) => Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase);

    /// <summary>Images under <paramref name="folder"/>, sorted by their path relative to it, so every machine sees one order.</summary>
    private static List<string> ImagesUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(IsImage)
            .Where(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .OrderBy(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'), StringComparer.Ordinal)
            .ToList();

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal))
                return i;
        return -1;
    }
}
