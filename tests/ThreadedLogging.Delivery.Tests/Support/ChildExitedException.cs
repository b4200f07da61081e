namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>The child's output ended (it exited) before the line a test waited for (<see cref="ChildProcess.WaitForLineAsync"/>).</summary>
public sealed class ChildExitedException(string message) : Exception(message);
