namespace ThreadedLogging.Collector;

/// <summary><c>--help</c> (<c>-h</c>, <c>-?</c>): a short usage on standard output, exit code 0, nothing started.</summary>
internal static class CommandLineHelp
{
    private static readonly string[] Switches = ["--help", "-h", "-?", "/?"];

    /// <summary>Whether any argument asks for help (<c>backup --help</c> too).</summary>
    public static bool IsRequested(string[] args) => args.Any(a => Switches.Contains(a, StringComparer.OrdinalIgnoreCase));

    /// <summary>The usage, commands first, then where settings come from.</summary>
    public static string Text => $"""
        ThreadedLogging collector: takes log events over HTTP (and SQS, OTLP/gRPC), stores them, serves the support console.

        Usage:
          ThreadedLogging.Collector [--data <folder>] [--urls <url>] [--config <file>] [--<Section>:<Setting>=<value> ...]
              Runs the collector (default {CollectorApp.DefaultUrl}, data in ./data). Ctrl+C or SIGTERM stops it.
          ThreadedLogging.Collector {BackupCommand.Name} --to <folder> [--data <folder>]
              Copies the SQLite data folder consistently, beside a running collector or without one.
          ThreadedLogging.Collector --help | -h
              Shows this text.
          (From the source tree: dotnet run --project src/ThreadedLogging.Collector -- <arguments>.)

        Settings, later ones winning:
          appsettings.json (and appsettings.<ASPNETCORE_ENVIRONMENT>.json) next to the executable;
          the JSON file given by --config <file> (yours: a publish does not overwrite it);
          environment variables, sections joined by two underscores: {CollectorOptions.SectionName}__IngestApiKeys=key1,key2,
            ConnectionStrings__Events=... (ASPNETCORE_* variables such as ASPNETCORE_URLS are read before any file, so a file's
            setting wins over them: give --urls instead);
          the command line: --{CollectorOptions.SectionName}:ReadApiKey=..., --{CollectorOptions.SectionName}:Store=postgres, --Logging:LogLevel:Default=Warning.
          An unknown {CollectorOptions.SectionName}:... setting, a misspelt section (Colector:...), a switch it does not have
            (--dta) or a value that does not convert stops the start naming it (exit code 2).

        Exit codes: 0 stopped; 2 a configuration it refuses (restarting cannot help); 3 something it needs cannot be
        reached now (restarting may help); backup: 0 copied, 1 an I/O error, 2 a usage or configuration error.

        Every setting, the API and deployment: README.md (section Collector) and docs/QUERY.md.
        """;
}
