// Networks here are initialized by libtorch's global generator (MlpBuilder uses nn.Linear's default init), which
// test classes running in parallel would draw from in between a seed and a build; these tests take about a second,
// so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
