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
        dll, data = sys.argv[1], sys.argv[2]

        def listening_port(pid):
            # The port the child bound (port 0): its listening socket, found by inode among its open files.
            inodes = set()
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
                except OSError:
                    continue
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
            for line in open("/proc/%d/net/tcp" % pid).read().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # TCP_LISTEN
                    return str(int(fields[1].split(":")[1], 16))
            raise RuntimeError("the collector listens on no TCP port")

        ctypes.CDLL(None).prctl(15, b"systemd", 0, 0, 0)  # PR_SET_NAME: the child's parent is named as systemd's is
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "notify")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(path)
        notify.settimeout(40)  # bounds on a hung child, not timing assertions; together under PythonProcess's 2 minutes
        out = open(os.path.join(data, "stdout.txt"), "wb")
        child = subprocess.Popen(["dotnet", dll, "--urls", "http://127.0.0.1:0", "--data", data],
                                 env=dict(os.environ, NOTIFY_SOCKET=path), stdout=out, stderr=subprocess.STDOUT)
        try:
            ready = notify.recv(4096).decode()  # said once it listens: its port can be read now
            health = urllib.request.urlopen("http://127.0.0.1:" + listening_port(child.pid) + "/health", timeout=15).read().decode()
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

        var output = await PythonProcess.RunAsync(AsSystemd, typeof(CollectorApp).Assembly.Location, data.Path);
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
