namespace Pretrain.Pretraining.Validation;

/// <summary>How trainers refuse invalid options: all problems in one exception, prefixed with what the options configure.</summary>
public static class OptionValidation
{
    /// <summary>
    /// Throws <see cref="InvalidOptionsException"/> listing every problem of <paramref name="options"/> (e.g.
    /// <c>supervised training: epochs: expected a positive integer, received 0.</c>); does nothing when they are valid.
    /// </summary>
    /// <param name="options">The options to check.</param>
    /// <param name="name">What the options configure, e.g. <c>supervised training</c>.</param>
    public static void ThrowIfInvalid(this IValidatedOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfAny(name, options.Problems());
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> when <paramref name="problems"/> is not empty.</summary>
    /// <param name="name">What the options configure.</param>
    /// <param name="problems">The problems found.</param>
    public static void ThrowIfAny(string name, IEnumerable<OptionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var list = problems.ToList();
        if (list.Count > 0)
            throw new InvalidOptionsException(name, list);
    }
}
