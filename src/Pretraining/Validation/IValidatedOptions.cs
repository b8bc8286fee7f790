namespace Pretrain.Pretraining.Validation;

/// <summary>
/// Options that check their own values. Every options type validates this one way, so a recipe collects the problems
/// of all its sections at once (with each section's path prefixed) and a trainer refuses the same problems, in the same
/// words, when a library caller builds it (<see cref="OptionValidation.ThrowIfInvalid"/>).
/// </summary>
public interface IValidatedOptions
{
    /// <summary>Every problem with these options, each with its field's relative path; empty when they are valid.</summary>
    IEnumerable<OptionProblem> Problems();
}
