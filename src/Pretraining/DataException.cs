namespace Pretrain.Pretraining;

/// <summary>A data file that cannot be read as expected: the message names the file and the problem.</summary>
public sealed class DataException : PretrainException
{
    /// <summary>Creates an exception for <paramref name="path"/>; the message is prefixed with the path.</summary>
    public DataException(string path, string problem) : base($"{path}: {problem}") => FilePath = path;

    /// <summary>Creates an exception for <paramref name="path"/> caused by <paramref name="innerException"/>.</summary>
    public DataException(string path, string problem, Exception innerException)
        : base($"{path}: {problem}", innerException) => FilePath = path;

    /// <summary>Creates an exception with no file; prefer the overloads that name it.</summary>
    public DataException() { }

    /// <summary>Creates an exception with a message only.</summary>
    public DataException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and cause.</summary>
    public DataException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The file that could not be read.</summary>
    public string? FilePath { get; }
}
