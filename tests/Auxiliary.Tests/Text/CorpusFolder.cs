using System.Text;

namespace Pretrain.Auxiliary.Tests.Text;

/// <summary>A temporary folder for corpus files, deleted after each test.</summary>
public abstract class CorpusFolder : IDisposable
{
    protected string Root { get; } = Directory.CreateTempSubdirectory("pretrain-corpus-").FullName;

    protected string Write(string relativePath, string text) => WriteBytes(relativePath, Encoding.UTF8.GetBytes(text));

    protected string WriteBytes(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(Root, recursive: true);
        GC.SuppressFinalize(this);
    }
}
