namespace Pretrain.Tests.Support;

/// <summary>Locates the repository's folders from the test binary's location.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Recipes => Path.Combine(Root, "recipes");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pretrain.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Pretrain.sln not found above " + AppContext.BaseDirectory);
    }
}
