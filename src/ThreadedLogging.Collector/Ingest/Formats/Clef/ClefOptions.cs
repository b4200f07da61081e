namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>Settings of the Seq-compatible endpoints, bound from <c>Collector:Clef</c>.</summary>
internal sealed class ClefOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collector:Clef";

    private static readonly string[] SerilogLevels = ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"];

    /// <summary>
    /// Gets or sets the level sent back as <c>MinimumLevelAccepted</c> (a Serilog level name); Serilog.Sinks.Seq with a
    /// <c>controlLevelSwitch</c> then stops sending events below it. The default value is null: every level is accepted.
    /// </summary>
    public string? MinimumLevelAccepted { get; set; }

    /// <summary>Reads the section; an unknown level is a startup error naming the option.</summary>
    /// <exception cref="CollectorConfigurationException">The level is not a Serilog level name.</exception>
    public static ClefOptions Bind(IConfiguration configuration)
    {
        var options = new ClefOptions();
        configuration.GetSection(SectionName).Bind(options);
        if (options.MinimumLevelAccepted is { } level)
        {
            options.MinimumLevelAccepted = SerilogLevels.FirstOrDefault(name => name.Equals(level.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new CollectorConfigurationException(
                    $"Invalid collector configuration: {SectionName}:MinimumLevelAccepted must be one of {string.Join(", ", SerilogLevels)} (was '{level}').");
        }

        return options;
    }
}
