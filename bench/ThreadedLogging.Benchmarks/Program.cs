using BenchmarkDotNet.Running;
using ThreadedLogging.Benchmarks;

if (args.Contains("--quick-serialize"))
{
    return QuickSerialize.Run();
}

if (args.Contains("--loopback-server"))
{
    return LoopbackServer.Serve();
}

if (args.Contains("--quick"))
{
    return QuickRun.Run(args);
}

// Runs in the host process only (every benchmark runs in a child process of its own). The job and the
// columns come from [Config(typeof(BenchConfig))] on each benchmark class, on top of the default config.
Sidecar.Reset();
BenchmarkSwitcher.FromAssembly(typeof(LogCallBenchmarks).Assembly).Run(args);
return 0;
