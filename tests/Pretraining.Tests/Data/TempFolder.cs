namespace Pretrain.Pretraining.Tests.Data;

/// <summary>A temporary folder for files a test writes, deleted afterwards.</summary>
public abstract class TempFolder : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("pretrain-data-").FullName;

    protected string PathOf(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
