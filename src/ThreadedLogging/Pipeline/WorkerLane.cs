using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ThreadedLogging;

/// <summary>
/// A handler's own thread, below the app's priority (<see cref="ThreadedHandlerOptions.WorkerPriority"/>), that runs the
/// worker's CPU work — records read back into events, a batch written as JSON and compressed — so that on a busy
/// machine the app's threads come first and the log call's thread is not preempted by the logger's own work (on two
/// cores a burst's caller, the worker and the sender used to share them evenly). The worker's loop stays on the thread
/// pool, as its sends do; it hands each such step to this thread and waits for it.
/// </summary>
/// <remarks>
/// On Linux a thread's nice value is its own and a thread it creates inherits it, so this thread runs only code that
/// creates no thread and queues nothing to the thread pool (the steps handed to it are CPU work on our own buffers):
/// a pool thread it created would stay below the app's priority for good, and an unprivileged process cannot raise it
/// back. On Windows and macOS the thread's <see cref="Thread.Priority"/> is lowered instead.
/// </remarks>
internal sealed partial class WorkerLane : IDisposable
{
    private const int PrioProcess = 0;

    private readonly Queue<Step> _steps = new();
    private readonly Thread _thread;
    private bool _closed;
    private long _stepsRun;

    private WorkerLane(ThreadPriority priority, string name)
    {
        Priority = priority;
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        if (!OperatingSystem.IsLinux())
        {
            _thread.Priority = priority;
        }

        _thread.UnsafeStart(); // without the creator's execution context, as the worker
    }

    /// <summary>Gets the priority the lane runs at.</summary>
    public ThreadPriority Priority { get; }

    /// <summary>Gets the nice value the lane's thread asked for on Linux (0 elsewhere, or when the kernel refused it).</summary>
    public int Nice { get; private set; }

    /// <summary>Gets how many steps the lane's thread took (tests): counted before each runs, so a step's caller sees its own.</summary>
    public long StepsRun => Interlocked.Read(ref _stepsRun);

    /// <summary>Gets the lane's thread (tests).</summary>
    internal Thread Thread => _thread;

    /// <summary>A lane at <paramref name="priority"/>, or <see langword="null"/> at <see cref="ThreadPriority.Normal"/>: then the steps run where they are called.</summary>
    public static WorkerLane? Start(ThreadPriority priority, string name) => priority == ThreadPriority.Normal ? null : new WorkerLane(priority, name);

    /// <summary>The nice value of a priority below normal on Linux: that of <c>nice</c>'s default for BelowNormal, the lowest for Lowest.</summary>
    internal static int NiceOf(ThreadPriority priority) => priority == ThreadPriority.Lowest ? 19 : 10;

    /// <summary>
    /// Runs <paramref name="step"/> on the lane and returns its result, blocking the calling thread meanwhile (it would
    /// have spent that time running the step itself); what it throws is rethrown here. Runs it in place on the lane's
    /// own thread, on no lane, or after <see cref="Dispose"/>.
    /// </summary>
    public static TResult Run<TState, TResult>(WorkerLane? lane, Func<TState, TResult> step, TState state)
    {
        if (lane is null || Thread.CurrentThread == lane._thread)
        {
            return step(state);
        }

        var item = new Step<TState, TResult>(step, state);
        lock (lane._steps)
        {
            if (lane._closed)
            {
                return step(state);
            }

            lane._steps.Enqueue(item);
            Monitor.Pulse(lane._steps);
        }

        return item.Wait();
    }

    /// <summary>Lets the lane's thread end once it has run what it was given; later steps run in place.</summary>
    public void Dispose()
    {
        lock (_steps)
        {
            _closed = true;
            Monitor.Pulse(_steps);
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int priority);

    private void Loop()
    {
        if (OperatingSystem.IsLinux())
        {
            // who 0: the calling thread only (Linux keeps a nice value per thread; POSIX would say the process).
            var nice = NiceOf(Priority);
            try
            {
                Nice = SetPriority(PrioProcess, 0, nice) == 0 ? nice : 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Nice = 0; // a libc without it: the lane still takes the work off the pool, at the same priority
            }
        }

        while (true)
        {
            Step step;
            lock (_steps)
            {
                while (_steps.Count == 0)
                {
                    if (_closed)
                    {
                        return;
                    }

                    Monitor.Wait(_steps);
                }

                step = _steps.Dequeue();
            }

            Interlocked.Increment(ref _stepsRun);
            step.Run();
        }
    }

    private abstract class Step
    {
        public abstract void Run();
    }

    /// <summary>One step handed to the lane: run there, waited for by its caller (a monitor, no task: nothing is queued to the pool).</summary>
    private sealed class Step<TState, TResult>(Func<TState, TResult> step, TState state) : Step
    {
        private TResult? _result;
        private ExceptionDispatchInfo? _error;
        private bool _done;

        public override void Run()
        {
            try
            {
                _result = step(state);
            }
            catch (Exception e)
            {
                _error = ExceptionDispatchInfo.Capture(e);
            }

            lock (this)
            {
                _done = true;
                Monitor.Pulse(this);
            }
        }

        public TResult Wait()
        {
            lock (this)
            {
                while (!_done)
                {
                    Monitor.Wait(this);
                }
            }

            _error?.Throw();
            return _result!;
        }
    }
}
