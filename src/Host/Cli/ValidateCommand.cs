using System.CommandLine;
using Pretrain.Recipes.Model;

namespace Pretrain.Host.Cli;

/// <summary><c>pretrain validate RECIPE</c>: checks a recipe (fields, values, data files) without running it.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var recipe = CommonOptions.Recipe();
        var set = CommonOptions.Set();
        var command = new Command("validate", "Check a recipe without running it: unknown fields, invalid values and missing files are reported with their JSON path.")
        {
            recipe, set,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(recipe)!;
            try
            {
                var loaded = RecipeLoader.Load(path, parse.GetValue(set));
                Console.Out.WriteLine($"{path}: valid ({loaded.Recipe.Name}).");
                return ExitCodes.Success;
            }
            catch (RecipeException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.InvalidInput;
            }
        });
        return command;
    }
}
