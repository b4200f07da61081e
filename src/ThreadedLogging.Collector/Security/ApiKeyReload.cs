using Microsoft.Extensions.Primitives;
using ThreadedLogging.Collector.Diagnostics;

namespace ThreadedLogging.Collector.Security;

/// <summary>
/// Key rotation without a restart: when the configuration changes (the <c>--config</c> file or appsettings.json, read
/// again on change), the keys are read and checked as at start, all settings with them, and replace the ring's
/// (<see cref="ApiKeyRing.Replace"/>). A configuration that does not pass (a key no client can send, one key in two roles,
/// a role left without keys or given its first) keeps the keys in force and logs why: a rotation's mistake never opens the
/// collector or locks everyone out. A settings file that cannot be read (half written, not JSON, missing for a moment) is
/// logged once per failed read and keeps the settings last read from it (<see cref="CheckedJsonSource"/>), so its
/// half-written keys are never applied, while a rotation in another file still is: a leaked key can be revoked while a
/// deployment is rewriting appsettings.json. Other settings still take a restart. A reload says where each role's keys
/// in force are now set, as the start does (<see cref="KeySources"/>): a key rotated in the file under one set in the
/// environment or on the command line changes nothing, and the line shows which one is in force.
/// </summary>
/// <param name="urls">Where the collector listens (what a role without keys is open to, as at start).</param>
internal sealed class ApiKeyReload(IConfiguration configuration, ApiKeyRing ring, IReadOnlyList<string> urls, ILogger<ApiKeyReload> logger) : IHostedService, IDisposable
{
    private readonly Lock _gate = new();
    private IDisposable? _watch;

    /// <summary>A hash of the key settings as each source writes them: a change that leaves the keys in force is still said.</summary>
    private byte[] _written = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _written = WrittenKeys(configuration);
        _watch = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watch?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _watch?.Dispose();

    private void Reload()
    {
        lock (_gate)
        {
            CollectorOptions next;
            foreach (var gone in ConfigFile.TakeGone(configuration))
            {
                CollectorLog.SettingsFileGone(logger, gone);
            }

            foreach (var missing in ConfigFile.TakeStillMissing(configuration))
            {
                CollectorLog.SettingsFileStillMissing(logger, missing);
            }

            foreach (var unreadable in ConfigFile.TakeLoadErrors(configuration))
            {
                CollectorLog.SettingsFileNotRead(logger, unreadable);
            }

            foreach (var unreadable in ConfigFile.TakeNotInForce(configuration))
            {
                CollectorLog.SettingsFileNotReadNoneInForce(logger, unreadable);
            }

            try
            {
                next = CollectorApp.ReadOptions(configuration);
                StartupSecurityCheck.RefusePlaceholders(next);
            }
            catch (CollectorConfigurationException e)
            {
                CollectorLog.KeysNotReloaded(logger, e.Message);
                return;
            }

            var written = WrittenKeys(configuration);
            var rewritten = !written.AsSpan().SequenceEqual(_written);
            _written = written;
            if (!ring.Differs(next))
            {
                if (rewritten)
                {
                    // A rotation under a key set in the environment or on the command line changes nothing: say where they are set.
                    var (i, r, a) = ring.Counts;
                    var shadowed = KeySources.Describe(configuration, next, urls);
                    CollectorLog.KeysShadowed(logger, i, r, a, shadowed.Ingest, shadowed.Read, shadowed.Admin);
                }

                return;
            }

            if (ring.Replace(next) is { } refused)
            {
                CollectorLog.KeysNotReloaded(logger, refused);
                return;
            }

            var (ingest, read, admin) = ring.Counts;
            var sources = KeySources.Describe(configuration, next, urls);
            CollectorLog.KeysReloaded(logger, ingest, read, admin, sources.Ingest, sources.Read, sources.Admin);
        }
    }

    /// <summary>A hash of every source's key settings (not the values in force): whether a source rewrote one, never a key kept.</summary>
    private static byte[] WrittenKeys(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return [];
        }

        var text = new System.Text.StringBuilder();
        foreach (var provider in root.Providers)
        {
            foreach (var name in KeySources.Settings)
            {
                var path = $"{CollectorOptions.SectionName}:{name}";
                foreach (var key in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase).Select(c => $"{path}:{c}").Prepend(path))
                {
                    text.Append(provider.TryGet(key, out var value) ? $"{key}={value}\n" : $"{key}\n");
                }
            }

            text.Append('\0');
        }

        return System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }
}
