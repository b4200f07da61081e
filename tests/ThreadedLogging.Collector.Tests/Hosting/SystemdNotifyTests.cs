using System.Text.Json;
using ThreadedLogging.Testing;

namespace ThreadedLogging.Collector.Tests.Hosting;

/// <summary>
/// The collector as a systemd service of <c>Type=notify</c> (samples/deploy): it tells systemd it is ready only once it
/// answers, and that it is stopping at SIGTERM, so that <c>systemctl start</c>/<c>restart</c> return when it can take
/// events, after a schema upgrade or an index build. systemd itself cannot run here, so its part is played by python3
/// as systemd does it: the collector's parent process named <c>systemd</c> (what .NET checks), a datagram socket in
/// <c>NOTIFY_SOCKET</c>, SIGTERM to stop. The collector is the real executable.
/// </summary>
public sealed class SystemdNotifyTests
{
    private const string AsSystemd = """
        import ctypes, json, os, shutil, signal, socket, subprocess, sys, tempfile, urllib.request
        dll, data, port = sys.argv[1], sys.argv[2], sys.argv[3]
        ctypes.CDLL(None).prctl(15, b"systemd", 0, 0, 0)  # PR_SET_NAME: the child's parent is named as systemd's is
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "notify")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(path)
        notify.settimeout(40)  # bounds on a hung child, not timing assertions; together under PythonProcess's 2 minutes
        out = open(os.path.join(data, "stdout.txt"), "wb")
        child = subprocess.Popen(["dotnet", dll, "--urls", "http://127.0.0.1:" + port, "--data", data],
                                 env=dict(os.environ, NOTIFY_SOCKET=path), stdout=out, stderr=subprocess.STDOUT)
        try:
            ready = notify.recv(4096).decode()
            health = urllib.request.urlopen("http://127.0.0.1:" + port + "/health", timeout=15).read().decode()
            child.send_signal(signal.SIGTERM)
            stopping = notify.recv(4096).decode()
            code = child.wait(20)
        finally:
            if child.poll() is None:
                child.kill()  # never left running when a step above failed
            out.close()
            notify.close()
            shutil.rmtree(folder)
        print(json.dumps({"ready": ready, "health": health, "stopping": stopping, "exit": code,
                          "stdout": open(os.path.join(data, "stdout.txt")).read()}))
        """;

    [Fact]
    public async Task Collector_UnderSystemd_ReadyOnceItAnswersStoppingAtSigtermJournalPriorities()
    {
        using var data = new TempDirectory();

        var output = await PythonProcess.RunAsync(AsSystemd, typeof(CollectorApp).Assembly.Location, data.Path, FreeTcpPort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var answer = JsonDocument.Parse(output);
        var root = answer.RootElement;

        Assert.Equal("READY=1", root.GetProperty("ready").GetString());
        Assert.Contains("\"ok\"", root.GetProperty("health").GetString(), StringComparison.Ordinal); // ready meant answering
        Assert.Equal("STOPPING=1", root.GetProperty("stopping").GetString());
        Assert.Equal(0, root.GetProperty("exit").GetInt32());
        // journald's priority prefix on each line of the collector's log: <6> information (its start line).
        Assert.Contains("<6>ThreadedLogging.Collector[10]", root.GetProperty("stdout").GetString(), StringComparison.Ordinal);
    }
}
