namespace Pretrain.Pretraining;

/// <summary>
/// A problem with what the user gave Pretrain (a file, a recipe field, a tensor, an option), with a message that
/// names it, says what was expected and what was received. The command line prints the message alone, without
/// a stack trace, and exits with code 2.
/// </summary>
public class PretrainException : Exception
{
    /// <summary>Creates an exception with a message for the user.</summary>
    public PretrainException(string message) : base(message) { }

    /// <summary>Creates an exception with a message for the user and the underlying cause.</summary>
    public PretrainException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates an exception with no message; prefer the overloads that explain the problem.</summary>
    public PretrainException() { }
}
