namespace Pretrain.FineTuning.Tests.Packaging;

/// <summary>
/// A test that packs this repository's libraries: skipped, with the reason, where that cannot be done (the tests run
/// outside a checkout, or the libraries were not built in the tests' configuration, which <c>pack --no-build</c>
/// needs); never silently passed.
/// </summary>
public sealed class PackagingFactAttribute : FactAttribute
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public PackagingFactAttribute()
    {
        if (Repository is null)
            Skip = "Packaging: the tests do not run inside a checkout of the repository (no Pretrain.sln above them), so there is nothing to pack.";
        else if (!File.Exists(Path.Combine(Repository, "src", "FineTuning", "bin", Configuration, "net10.0", "Pretrain.FineTuning.dll")))
            Skip = $"Packaging: src/FineTuning was not built in {Configuration}; dotnet pack --no-build needs it (build the solution first).";
    }

    /// <summary>The checkout holding these tests, or null.</summary>
    public static string? Repository
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Pretrain.sln")))
                    return folder.FullName;
            }
            return null;
        }
    }
}
