using Pretrain.Host.Cli;

namespace Pretrain.Host.Tests.Cli;

/// <summary>Every command prints an input error once, on standard error, without a stack trace, and exits with 2.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ErrorsPrintedOnceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Error) Pretrain(params string[] args) => CapturedCommand.Run(args);

    public static TheoryData<string, string[], string> Commands => new()
    {
        { "predict", ["predict", "{missing}", "--data", "{missing}.csv"], "network manifest not found" },
        { "eval", ["eval", "{missing}"], "run folder not found" },
        { "export", ["export", "{missing}", "--format", "onnx"], "network manifest not found" },
        { "import", ["import", "{missing}.npz", "--map", "a=b", "--as", "x", "--catalog", "{folder}"], "file not found" },
        { "models", ["models", "show", "nope", "--catalog", "{folder}"], "no model named 'nope'" },
        { "validate", ["validate", "{missing}.json"], "file not found" },
        { "serve", ["serve", "--queue", "{file}/queue", "--exit-when-empty"], "cannot create the queue folders" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void An_input_error_is_printed_once_without_a_stack_trace(string command, string[] args, string expected)
    {
        var file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "not a folder");
        var resolved = args.Select(a => a.Replace("{missing}", Path.Combine(_folder, "missing"), StringComparison.Ordinal)
            .Replace("{folder}", _folder, StringComparison.Ordinal).Replace("{file}", file, StringComparison.Ordinal)).ToArray();

        var (code, output, error) = Pretrain(resolved);

        code.Should().Be(ExitCodes.InvalidInput, command);
        var printed = output + error;
        printed.Split(expected).Length.Should().Be(2, $"{command} prints the error once, received:\n{printed}");
        printed.Should().NotContain("   at ", "no stack trace for the user");
    }
}
