using Pretrain.Pretraining.Runtime;
using Serilog.Core;
using Serilog.Events;
using Spectre.Console;

namespace Pretrain.Host.Cli;

/// <summary>
/// Progress bars with rate and time left on an interactive terminal. While they are shown, console log lines
/// below warnings are held back (they would tear the live display) and still go to the run's log file.
/// Redirected output and CI get plain log lines instead: <see cref="CreateForThisTerminal"/> returns null there.
/// </summary>
internal sealed class ConsoleProgress
{
    private ConsoleProgress() { }

    /// <summary>The console sink's level, lowered while bars are on screen.</summary>
    public LoggingLevelSwitch ConsoleLevel { get; } = new(LogEventLevel.Information);

    /// <summary>A progress display when stdout is an interactive terminal outside CI; null otherwise.</summary>
    public static ConsoleProgress? CreateForThisTerminal()
    {
        var interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));
        return interactive ? new ConsoleProgress() : null;
    }

    /// <summary>Runs <paramref name="work"/> with a live display fed by the callback it is given.</summary>
    public T Show<T>(Func<ITrainingCallback, T> work)
    {
        ConsoleLevel.MinimumLevel = LogEventLevel.Warning;
        try
        {
            return AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context => work(new Bars(context)));
        }
        finally
        {
            ConsoleLevel.MinimumLevel = LogEventLevel.Information;
        }
    }

    /// <summary>One bar per training stage, advanced per batch; its label shows the latest epoch's metrics.</summary>
    private sealed class Bars(ProgressContext context) : ITrainingCallback
    {
        private ProgressTask? _task;
        private string _stage = "";
        private int _epochs;

        public void OnFitStart(string stage, int epochs, int batchesPerEpoch)
        {
            _stage = stage;
            _epochs = epochs;
            _task = context.AddTask(Markup.Escape(stage), maxValue: (double)epochs * batchesPerEpoch);
        }

        public void OnBatchEnd(int epoch, int batch) => _task?.Increment(1);

        public void OnEpochEnd(EpochReport report)
        {
            if (_task is null)
                return;
            var shown = string.Join(" ", report.Metrics.Take(3).Select(m => $"{m.Key} {m.Value:G4}"));
            _task.Description = Markup.Escape($"{_stage} epoch {report.Epoch}/{_epochs} {shown}");
        }

        public void OnFitEnd(string stage)
        {
            if (_task is not null)
                _task.Value = _task.MaxValue;
        }
    }
}
