using System.CommandLine;
using Pretrain.Recipes.Model;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain schema [--out FILE]</c>: prints or writes the recipes' JSON Schema.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Write the schema to this file (atomically) instead of printing it." };
        var command = new Command("schema", "Print the JSON Schema of recipes (recipes/recipe.schema.json is its output).") { output };
        command.SetAction(parse =>
        {
            var schema = RecipeSchema.Generate();
            if (parse.GetValue(output) is { } file)
                Pretraining.IO.AtomicFile.WriteAllText(file, schema);
            else
                Console.Out.Write(schema);
            return ExitCodes.Success;
        });
        return command;
    }
}
