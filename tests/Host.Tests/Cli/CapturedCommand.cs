using Pretrain.Host.Cli;

namespace Pretrain.Host.Tests.Cli;

/// <summary>Runs <c>pretrain</c> in this process with the console captured (tests in the console collection only).</summary>
internal static class CapturedCommand
{
    /// <summary>The exit code and what the command wrote to standard output and standard error.</summary>
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (originalOut, originalError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (PretrainCommand.Create().Parse(args).Invoke(), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
