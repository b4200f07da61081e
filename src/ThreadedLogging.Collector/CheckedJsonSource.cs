using Microsoft.Extensions.Configuration.Json;

namespace ThreadedLogging.Collector;

/// <summary>
/// The <c>--config</c> file's source, read again when it changes (<see cref="Security.ApiKeyReload"/> takes new keys
/// from it). A reload that cannot read the file (not JSON, half written) leaves the provider empty rather than stopping
/// the collector; <see cref="LoadError"/> says so, and the keys in force stay.
/// </summary>
internal sealed class CheckedJsonSource : JsonConfigurationSource
{
    private volatile string? _error;

    /// <summary>Gets the file's full path, for messages.</summary>
    public required string FullPath { get; init; }

    /// <summary>Gets why the last read of the file failed (not JSON, or not there), or null when it was read.</summary>
    public string? LoadError => _error ?? (File.Exists(FullPath) ? null : $"the settings file '{FullPath}' ({ConfigFile.Switch}) does not exist");

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    private sealed class Provider(CheckedJsonSource source) : JsonConfigurationProvider(source)
    {
        public override void Load(Stream stream)
        {
            try
            {
                base.Load(stream);
                source._error = null;
            }
            catch (Exception e)
            {
                source._error = $"the settings file '{source.FullPath}' ({ConfigFile.Switch}) is not a JSON object of settings: {e.GetBaseException().Message}";
                throw;
            }
        }
    }
}
