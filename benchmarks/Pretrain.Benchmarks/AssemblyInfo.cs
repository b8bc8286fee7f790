[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Pretrain.Benchmarks.Tests")]
