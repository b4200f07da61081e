namespace ThreadedLogging;

/// <summary>Writes the handler's own diagnostics to the user's callback; never throws.</summary>
internal sealed class SelfLog(Action<string>? callback, TimeProvider time)
{
    public void Write(string message)
    {
        if (callback is null)
        {
            return;
        }

        try
        {
            callback($"{time.GetUtcNow():O} ThreadedLogging: {message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A faulty callback must not take the worker down.
        }
    }
}
