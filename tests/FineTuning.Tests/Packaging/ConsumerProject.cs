namespace Pretrain.FineTuning.Tests.Packaging;

/// <summary>
/// The files of a new user's console application: it references the packed <c>Pretrain.FineTuning</c> and
/// <c>libtorch-cpu-linux-x64</c> and nothing else (no imported targets, no properties), restores offline from a feed
/// of the packed libraries plus this machine's NuGet cache (as a read-only fallback folder, so nothing is written
/// there), checks that the packages' build step kept TorchSharp's arguments alive, loads a stack with
/// <c>PretrainedModel.Load</c> and prints its encoding of an all-ones input.
/// </summary>
internal static class ConsumerProject
{
    public static void Write(string folder, string feed, string packages, string fallback, string version)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{packages}" /></config>
              <packageSources><clear /><add key="packed" value="{feed}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="machine" value="{fallback}" /></fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Pretrain.FineTuning" Version="{version}" />
                <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            using System.Globalization;
            using Pretrain.FineTuning.Library;
            using static TorchSharp.torch;

            // The packages' build step compiled TorchSharp without JIT optimizations (arguments kept alive during native calls).
            if (!Pretrain.Pretraining.Runtime.TorchSharpLifetimes.AreKeptAlive)
            {
                Console.Error.WriteLine("TorchSharp.dll in the output folder is JIT-optimized: the packages' build step did not run.");
                return 3;
            }
            using var model = PretrainedModel.Load(args[0], device: "cpu");
            using var x = ones([2, model.InputFeatures]);
            using var encoded = model.Stack.Encode(x);
            Console.WriteLine(string.Join(" ", encoded.data<float>().ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            return 0;
            """);
    }
}
