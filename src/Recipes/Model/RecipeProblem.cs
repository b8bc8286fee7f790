using Pretrain.Pretraining;

namespace Pretrain.Recipes.Model;

/// <summary>One thing wrong with a recipe: the JSON path (e.g. <c>training.epochs</c>) and what was expected.</summary>
/// <param name="Path">Dotted JSON path from the root, with [i] for array items; empty for the whole document.</param>
/// <param name="Message">What was expected and what was received.</param>
public sealed record RecipeProblem(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}

/// <summary>A recipe that cannot be run; the message lists every problem found, each naming the file and JSON path.</summary>
public sealed class RecipeException : PretrainException
{
    /// <summary>Creates the exception for <paramref name="file"/> with its <paramref name="problems"/>.</summary>
    public RecipeException(string file, IReadOnlyList<RecipeProblem> problems)
        : base(string.Join(Environment.NewLine, (problems ?? []).Select(p => $"{file}: {p}")))
    {
        File = file;
        Problems = problems ?? [];
    }

    /// <summary>Creates an exception with a message only.</summary>
    public RecipeException(string message) : base(message)
    {
        File = "";
        Problems = [];
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public RecipeException(string message, Exception innerException) : base(message, innerException)
    {
        File = "";
        Problems = [];
    }

    /// <summary>Creates an exception with no message.</summary>
    public RecipeException() : this("invalid recipe") { }

    /// <summary>The recipe file.</summary>
    public string File { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<RecipeProblem> Problems { get; }
}
