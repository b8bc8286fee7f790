namespace Pretrain.Pretraining.Training;

/// <summary>A training callback failed; the message names the callback and the event, the inner exception says why.</summary>
public sealed class TrainingCallbackException : Exception
{
    /// <summary>Creates the exception for <paramref name="callback"/> failing in <paramref name="event"/>.</summary>
    public TrainingCallbackException(string callback, string @event, Exception inner)
        : base($"training callback {callback} failed at {@event}: {inner?.Message}", inner)
    {
        Callback = callback;
        Event = @event;
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainingCallbackException() : this("unknown", "unknown", new InvalidOperationException())
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainingCallbackException(string message) : base(message)
    {
        Callback = "unknown";
        Event = "unknown";
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public TrainingCallbackException(string message, Exception inner) : base(message, inner)
    {
        Callback = "unknown";
        Event = "unknown";
    }

    /// <summary>The callback's type name.</summary>
    public string Callback { get; }

    /// <summary>The event it failed in (fit start, batch end, epoch end, fit end).</summary>
    public string Event { get; }
}
