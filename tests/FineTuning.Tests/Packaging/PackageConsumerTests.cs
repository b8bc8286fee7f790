using System.Globalization;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Packaging;

[Trait("Category", "Packaging")]
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-packaging-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SaveStack()
    {
        using var g = new Generator(21);
        using var stack = new PretrainedStack([6]);
        stack.Add(new PretrainedLayer("autoencoder", randn([5, 6], generator: g), randn([5], generator: g), EncoderActivation.Sigmoid));
        stack.Add(new PretrainedLayer("rbm", randn([3, 5], generator: g), randn([3], generator: g), EncoderActivation.Sigmoid));
        var folder = Path.Combine(_folder, "stack");
        StackStore.Save(stack, folder);
        return folder;
    }

    [PackagingFact]
    public void An_application_referencing_the_packed_libraries_runs_a_pretrained_stack_with_no_extra_step()
    {
        var repository = PackagingFactAttribute.Repository!;
        var (feed, packages, app) = (Path.Combine(_folder, "feed"), Path.Combine(_folder, "packages"), Path.Combine(_folder, "app"));
        // A version no cache has seen, so restore can only take the packages just packed.
        var version = $"0.0.0-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
        foreach (var project in new[] { "src/Pretraining/Pretrain.Pretraining.csproj", "src/FineTuning/Pretrain.FineTuning.csproj" })
        {
            var (code, output) = DotnetProcess.Run(repository, environment, Limit, "pack", project, "-c", PackagingFactAttribute.Configuration,
                "--no-build", "--no-restore", "-o", feed, $"-p:PackageVersion={version}");
            code.Should().Be(0, $"dotnet pack {project} failed:\n{output}");
        }
        ConsumerProject.Write(app, feed, packages, machineCache, version);
        var stack = SaveStack();

        var build = DotnetProcess.Run(app, environment, Limit, "build", "-c", "Release", "-m:1", "-nodeReuse:false");
        build.Code.Should().Be(0, $"the consumer did not build:\n{build.Output}");
        var run = DotnetProcess.Run(app, environment, Limit, Path.Combine(app, "bin", "Release", "net10.0", "consumer.dll"), stack);

        run.Code.Should().Be(0, $"the consumer failed (on Debian 12 this is the GLIBCXX_3.4.32 problem when the packages' fix is missing):\n{run.Output}");
        var printed = run.Output.Trim().Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        using var loaded = StackStore.Load(stack);
        using var x = ones([2, 6]);
        using var expected = loaded.Encode(x);
        printed.Should().Equal(expected.data<float>().ToArray(), "the consumer's torch computes what this process computes");
    }
}
