namespace ThreadedLogging.Collector.Ingest.Formats;

/// <summary>
/// Which event properties (CLEF) or resource attributes (OTLP) give an event's identity, first present wins.
/// Bound from <c>Collector:Identity</c>; a list left empty keeps its default.
/// </summary>
internal sealed class IdentityPropertyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collector:Identity";

    private static readonly string[] DefaultUser = ["UserName", "User", "enduser.id", "user.name"];
    private static readonly string[] DefaultApp = ["Application", "service.name"];
    private static readonly string[] DefaultVersion = ["Version", "AppVersion", "service.version"];
    private static readonly string[] DefaultMachine = ["MachineName", "host.name"];

    /// <summary>Gets or sets the names that carry the user. The default value is <c>UserName, User, enduser.id, user.name</c>.</summary>
    public List<string> User { get; set; } = [];

    /// <summary>Gets or sets the names that carry the app. The default value is <c>Application, service.name</c>.</summary>
    public List<string> App { get; set; } = [];

    /// <summary>Gets or sets the names that carry the app's version. The default value is <c>Version, AppVersion, service.version</c>.</summary>
    public List<string> Version { get; set; } = [];

    /// <summary>Gets or sets the names that carry the machine. The default value is <c>MachineName, host.name</c>.</summary>
    public List<string> Machine { get; set; } = [];

    public IReadOnlyList<string> UserNames => User.Count > 0 ? User : DefaultUser;

    public IReadOnlyList<string> AppNames => App.Count > 0 ? App : DefaultApp;

    public IReadOnlyList<string> VersionNames => Version.Count > 0 ? Version : DefaultVersion;

    public IReadOnlyList<string> MachineNames => Machine.Count > 0 ? Machine : DefaultMachine;

    /// <summary>Reads the section; a blank name is a startup error naming the option.</summary>
    /// <exception cref="CollectorConfigurationException">A name is blank.</exception>
    public static IdentityPropertyOptions Bind(IConfiguration configuration)
    {
        var options = new IdentityPropertyOptions();
        configuration.GetSection(SectionName).Bind(options);
        foreach (var (name, list) in new[] { ("User", options.User), ("App", options.App), ("Version", options.Version), ("Machine", options.Machine) })
        {
            if (list.Any(string.IsNullOrWhiteSpace))
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: {SectionName}:{name} must not contain blank names.");
            }
        }

        return options;
    }
}
