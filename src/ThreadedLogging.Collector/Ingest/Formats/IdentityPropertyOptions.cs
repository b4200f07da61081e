namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// Which event properties (CLEF) or resource attributes (OTLP) give an event's identity, first present wins. Each name
/// matches in any ASCII case (<c>userId</c> for <c>UserId</c>), the case written winning over another case of the same name.
/// Bound from <c>Collector:Identity</c>; a list left empty keeps its default.
/// </summary>
internal sealed class IdentityPropertyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collector:Identity";

    // The names an app gives its user (Serilog's, Seq's `UserId`, OpenTelemetry's) before EnvironmentUserName, the
    // process's OS account that Serilog.Enrichers.Environment puts on every event (`vm\root`, `IIS APPPOOL\Shop`): it
    // stands in only for an event whose app names no user.
    private static readonly string[] DefaultUser = ["UserName", "User", "UserId", "enduser.id", "user.name", "user.id", "EnvironmentUserName"];
    // ApplicationName: ASP.NET Core apps on Serilog enrich with IHostEnvironment.ApplicationName under its own name.
    private static readonly string[] DefaultApp = ["Application", "ApplicationName", "service.name"];
    private static readonly string[] DefaultVersion = ["Version", "AppVersion", "service.version"];
    private static readonly string[] DefaultMachine = ["MachineName", "host.name"];

    /// <summary>Gets or sets the names that carry the user. The default value is <c>UserName, User, UserId, enduser.id, user.name, user.id, EnvironmentUserName</c> (Serilog, OpenTelemetry, and last the process's account from Serilog.Enrichers.Environment).</summary>
    public List<string> User { get; set; } = [];

    /// <summary>Gets or sets the names that carry the app. The default value is <c>Application, ApplicationName, service.name</c>.</summary>
    public List<string> App { get; set; } = [];

    /// <summary>Gets or sets the names that carry the app's version. The default value is <c>Version, AppVersion, service.version</c>.</summary>
    public List<string> Version { get; set; } = [];

    /// <summary>Gets or sets the names that carry the machine. The default value is <c>MachineName, host.name</c>.</summary>
    public List<string> Machine { get; set; } = [];

    /// <summary>The index of the user's names in <see cref="Utf8Names"/>.</summary>
    public const int UserKind = 0;

    /// <summary>The index of the app's names in <see cref="Utf8Names"/>.</summary>
    public const int AppKind = 1;

    /// <summary>The index of the version's names in <see cref="Utf8Names"/>.</summary>
    public const int VersionKind = 2;

    /// <summary>The index of the machine's names in <see cref="Utf8Names"/>.</summary>
    public const int MachineKind = 3;

    private byte[][][]? _utf8Names;

    /// <summary>Gets the names of the user, app, version and machine (by <see cref="UserKind"/>…) as UTF-8, for matching JSON property names without a string each.</summary>
    public byte[][][] Utf8Names => _utf8Names ??=
        [.. new[] { UserNames, AppNames, VersionNames, MachineNames }.Select(names => names.Select(System.Text.Encoding.UTF8.GetBytes).ToArray())];

    public IReadOnlyList<string> UserNames => User.Count > 0 ? User : DefaultUser;

    public IReadOnlyList<string> AppNames => App.Count > 0 ? App : DefaultApp;

    public IReadOnlyList<string> VersionNames => Version.Count > 0 ? Version : DefaultVersion;

    public IReadOnlyList<string> MachineNames => Machine.Count > 0 ? Machine : DefaultMachine;

    /// <summary>Reads the section; a blank name is a startup error naming the option.</summary>
    /// <exception cref="CollectorConfigurationException">A name is blank.</exception>
    public static IdentityPropertyOptions Bind(IConfiguration configuration)
    {
        var options = new IdentityPropertyOptions();
        var section = configuration.GetSection(SectionName);
        section.Bind(options);
        foreach (var (name, list) in new[] { ("User", options.User), ("App", options.App), ("Version", options.Version), ("Machine", options.Machine) })
        {
            // One value, as the environment and the command line give it (`Collector:Identity:User=EnvironmentUserName,UserName`):
            // the binder reads only indexed items (`User:0`), and skipped it without a word.
            if (section[name] is { Length: > 0 } single)
            {
                list.Clear();
                list.AddRange(single.Split(',', StringSplitOptions.TrimEntries));
            }

            if (list.Any(string.IsNullOrWhiteSpace))
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: {SectionName}:{name} must not contain blank names.");
            }
        }

        return options;
    }
}
