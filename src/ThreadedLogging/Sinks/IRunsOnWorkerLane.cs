namespace ThreadedLogging;

/// <summary>A sink of ours whose CPU work before a send (a batch written and compressed) runs on the worker's <see cref="WorkerLane"/>.</summary>
internal interface IRunsOnWorkerLane
{
    /// <summary>Gets or sets the lane, given by the worker; <see langword="null"/>: the work runs where the send is called.</summary>
    WorkerLane? Lane { get; set; }
}
