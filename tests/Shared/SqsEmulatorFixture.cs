using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace ThreadedLogging.Testing;

/// <summary>
/// A real SQS-compatible server for a test class: fauxqs (tools/sqs, installed by
/// scripts/install-test-deps.sh) on its own Node 22, listening on 127.0.0.1 on a port the OS picks.
/// Started once per class, killed after it; it also exits by itself when our end of its stdin closes.
/// </summary>
public sealed class SqsEmulatorFixture : IAsyncLifetime
{
    private Process? _process;

    /// <summary>Gets the endpoint to give the SDK as ServiceURL.</summary>
    public string ServiceUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var dir = FindToolsDirectory();
        var node = Path.Combine(dir, "node_modules", ".bin", "node");
        if (!File.Exists(node) || !Directory.Exists(Path.Combine(dir, "node_modules", "fauxqs")))
        {
            throw new InvalidOperationException($"The SQS emulator is not installed in {dir}: run scripts/install-test-deps.sh.");
        }

        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--no-warnings");
        start.ArgumentList.Add("start.mjs");
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();

        // The first line is "listening <port>"; a crash closes stdout instead.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The SQS emulator did not start: '{line}'.");
        }

        var port = int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture);
        ServiceUrl = $"http://127.0.0.1:{port}";
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                process.StandardInput.Close();
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>A client for the test's own calls (create, receive, delete).</summary>
    public AmazonSQSClient CreateClient() => new(new BasicAWSCredentials("test", "test"), ClientConfig());

    /// <summary>Options that point a handler at the emulator, with a fast retry clock for the tests.</summary>
    public ThreadedAwsHandlerOptions Options(string queueName) => new()
    {
        QueueName = queueName,
        AccessKey = "test",
        SecretAccessKey = "test",
        ServiceUrl = ServiceUrl,
        Region = "us-east-1",
        MinRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        ShutdownTimeout = TimeSpan.FromSeconds(30),
        App = "TestApp",
        User = "alice",
        Machine = "PC-042",
        CaptureUnhandledExceptions = false, // another test's unobserved task exception would be one more event in this handler
    };

    public AmazonSQSConfig ClientConfig() => new()
    {
        ServiceURL = ServiceUrl,
        AuthenticationRegion = "us-east-1",
        MaxErrorRetry = 0,
    };

    /// <summary>Creates a queue with a unique name and returns its name and URL.</summary>
    public async Task<(string Name, string Url)> CreateQueueAsync(string prefix, Dictionary<string, string>? attributes = null)
    {
        using var client = CreateClient();
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(80, prefix.Length + 33)];
        var response = await client.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes });
        return (name, response.QueueUrl);
    }

    private static string FindToolsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "sqs");
            if (File.Exists(Path.Combine(candidate, "start.mjs")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tools/sqs/start.mjs not found above {AppContext.BaseDirectory}.");
    }
}
