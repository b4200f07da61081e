using BenchmarkDotNet.Running;
using ThreadedLogging.Delivery.Benchmarks;

// Two tools in one project (issue 4):
//   delivery [options]  the load tool: events/s delivered end to end to the real collector process,
//                       durable spool on and off (see DeliveryOptions for the options).
//   anything else       BenchmarkDotNet: the caller's cost of a log call, spool on and off.
if (args.Length > 0 && args[0] == "delivery")
{
    return await DeliveryLoad.RunAsync(DeliveryOptions.Parse(args[1..]));
}

CallerAllocSidecar.Reset();
BenchmarkSwitcher.FromAssembly(typeof(CallCostBenchmarks).Assembly).Run(args);
return 0;
