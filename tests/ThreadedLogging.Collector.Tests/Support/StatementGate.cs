using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ThreadedLogging.Collector.Tests.Support;

/// <summary>
/// A TCP relay on loopback between a store and the test's PostgreSQL that holds back the first message from the store
/// holding a given SQL text (Npgsql sends a statement's text in its Parse message) until <see cref="Release"/>: the
/// store is paused between two of its statements, its transaction open, on real connections, where nothing in the
/// database could hold it (a plain read waits for no lock). Everything else is passed on both ways as it comes.
/// </summary>
internal sealed class StatementGate : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _serverPort;
    private readonly byte[] _statement;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private int _held;

    /// <summary>Starts relaying to PostgreSQL on <paramref name="serverPort"/>, holding the first message that holds <paramref name="statement"/>.</summary>
    public StatementGate(int serverPort, string statement)
    {
        _serverPort = serverPort;
        _statement = Encoding.UTF8.GetBytes(statement);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the port the store connects to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets a task that completes when the store has sent the statement, which the server has not been given yet.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Passes the held statement on, and everything after it.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Cuts every connection where it is, the held statement never passed on: as if the server went away then.</summary>
    public ValueTask CutAsync() => StopAsync(release: false);

    public ValueTask DisposeAsync() => StopAsync(release: true);

    private async ValueTask StopAsync(bool release)
    {
        if (release)
        {
            Release();
        }

        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var store = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            lock (_connections)
            {
                _connections.Add(store);
                _connections.Add(server);
            }

            await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
            _ = PumpAsync(store.GetStream(), server.GetStream(), watch: true);
            _ = PumpAsync(server.GetStream(), store.GetStream(), watch: false);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool watch)
    {
        var buffer = new byte[65536];
        var tail = Array.Empty<byte>(); // the end of the last read: a statement cut between two reads is still seen
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (watch && Volatile.Read(ref _held) == 0)
                {
                    var seen = tail.Concat(buffer.Take(read)).ToArray();
                    if (seen.AsSpan().IndexOf(_statement) >= 0 && Interlocked.Exchange(ref _held, 1) == 0)
                    {
                        _reached.TrySetResult();
                        await _released.Task.WaitAsync(_stop.Token);
                    }

                    tail = seen[Math.Max(0, seen.Length - _statement.Length + 1)..];
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The relay stops, or one side closed: the other side's connection ends with it.
        }
        finally
        {
            try
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }
}
