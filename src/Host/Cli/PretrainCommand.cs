using System.CommandLine;

namespace Pretrain.Host.Cli;

/// <summary>The <c>pretrain</c> command tree.</summary>
internal static class PretrainCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Pretrain: unsupervised and auxiliary-task pretraining of deep networks on TorchSharp.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        return root;
    }
}
