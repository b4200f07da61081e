using ThreadedLogging.PeerBench;

// Issue 14's whole-process burst benchmark. Two roles in one program:
//   run --peer P --events N --base URL [--drain-timeout S]   one measured run in this (fresh) process
//   [options]                                                the orchestrator: counting server, runs, report
// See bench/README.md ("Bursts, whole processes") for the options and the results.
if (args.Length > 0 && args[0] == "run")
{
    return ChildRun.Run(ChildOptions.Parse(args[1..]));
}

return await Orchestrator.RunAsync(BenchOptions.Parse(args));
