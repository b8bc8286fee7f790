namespace Pretrain.Host.Cli;

/// <summary>Process exit codes of the <c>pretrain</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Something failed while training or evaluating (including an interrupted run).</summary>
    public const int Failure = 1;

    /// <summary>The input was wrong: a recipe, a data file, an option. The message says which and why.</summary>
    public const int InvalidInput = 2;
}
