using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>A logger factory (without providers) that keeps every formatted message, for tests that check what a run logged.</summary>
internal sealed class CollectedLog : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _messages = new();

    /// <summary>The messages so far, one per line.</summary>
    public string Text => string.Join(Environment.NewLine, _messages);

    public ILogger CreateLogger(string categoryName) => new Logger(_messages);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("a collected log has no other providers.");

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
    }
}
