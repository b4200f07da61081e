using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace ThreadedLogging.Collector;

/// <summary>
/// The source of a JSON settings file read again when it changes: the <c>--config</c> file's, and the appsettings files
/// beside the program (<see cref="CheckRereads"/>); <see cref="Security.ApiKeyReload"/> takes new keys from them. A read that fails (not JSON, half written, or the
/// file missing for a moment: many editors and deployments delete or rename the old file, then write the new one, some in
/// pieces) keeps the settings last read. The framework's own reload would empty them, and Kestrel, logging and every other
/// reader of the configuration would lose the file's settings (an endpoint configured in it would stop).
/// <see cref="TakeLoadError"/> says why, once per failed read; the reload token still fires, so
/// <see cref="Security.ApiKeyReload"/> logs it once and still takes the other files' changes. The <c>--config</c> file and
/// appsettings.json (the base every publish ships: <see cref="KeptWhenMissing"/>) missing is such a failure. An
/// environment's file (appsettings.Production.json) deleted is one too for <see cref="RemovedAfter"/>
/// (<c>Collector:SettingsFileRemovedAfter</c>): a deployment that empties the program's folder and copies the publish in
/// has it back by then. Still missing then, it was meant: unlike appsettings.json, deleting it is how an operator drops an
/// environment's overrides (a restart would otherwise be the only way, besides writing <c>{}</c> into it), so its settings
/// go, as the framework drops them, <see cref="TakeGone"/> says so once, and it is read again when it is back. Missing at
/// start (none is shipped; or appsettings.json, removed from the folder), a file has no settings to keep or lose: a change
/// that finds it still missing says nothing above Debug (<see cref="TakeStillMissing"/>), and one that finds it there but
/// not whole (half written) says that none of its settings are in force until it is (<see cref="TakeNotInForce"/>), as
/// it does for a file whose settings went with it.
/// </summary>
internal sealed class CheckedJsonSource : JsonConfigurationSource
{
    private string? _error;
    private string? _notInForce;
    private string? _gone;
    private string? _stillMissing;

    /// <summary>Gets the file's full path, for messages.</summary>
    public required string FullPath { get; init; }

    /// <summary>Gets the switch that named the file (<c>--config</c>), for messages; null for the appsettings files beside the program.</summary>
    public string? Switch { get; init; }

    /// <summary>
    /// Gets a value indicating whether the settings last read stay while the file is missing, although it is optional at
    /// start: appsettings.json, whose endpoints, keys and levels a delete-then-rewrite would otherwise take away.
    /// </summary>
    public bool KeptWhenMissing { get; init; }

    /// <summary>
    /// Gets or sets how long an optional file (not <see cref="KeptWhenMissing"/>) found deleted keeps its settings; still
    /// missing then, they go. Set once the options are read (<see cref="RemoveAfter"/>); zero: at once.
    /// </summary>
    public TimeSpan RemovedAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Why the last read of the file failed (not JSON, or not there), once after each failed read; then null until the next.</summary>
    public string? TakeLoadError() => Interlocked.Exchange(ref _error, null);

    /// <summary>
    /// Why the last read of the file failed when none of its settings are in force (it was missing since the start, or
    /// taken as removed): nothing read from it stays. Once after each such failed read; then null until the next.
    /// </summary>
    public string? TakeNotInForce() => Interlocked.Exchange(ref _notInForce, null);

    /// <summary>"the settings file '…' is gone …" once after an optional file was found deleted, then null until it is deleted again.</summary>
    public string? TakeGone() => Interlocked.Exchange(ref _gone, null);

    /// <summary>
    /// "the settings file '…' is still missing …" once after a change found an optional file missing that was already
    /// (since the start, or taken as removed): nothing to read, nothing changed; logged at Debug only.
    /// </summary>
    public string? TakeStillMissing() => Interlocked.Exchange(ref _stillMissing, null);

    /// <summary>
    /// Makes the JSON files the framework reads again on change (appsettings.json and appsettings.{Environment}.json
    /// beside the program) sources of this kind: a re-read that fails (an editor's half-written file) emptied their
    /// settings without a word, and the next reload of any source (another file's change) took them away from Kestrel,
    /// logging and the API keys. Their settings last read now stay and the failure is logged once.
    /// </summary>
    /// <exception cref="CollectorConfigurationException">A file is not JSON now (read again as it is replaced).</exception>
    public static void CheckRereads(ConfigurationManager configuration)
    {
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is not JsonConfigurationSource { ReloadOnChange: true, Path: { } path, FileProvider: PhysicalFileProvider files } json || json is CheckedJsonSource)
            {
                continue;
            }

            var full = System.IO.Path.Combine(files.Root, path);
            var source = new CheckedJsonSource
            {
                Path = path,
                FileProvider = files,
                FullPath = full,
                Optional = json.Optional,
                KeptWhenMissing = string.Equals(path, "appsettings.json", StringComparison.OrdinalIgnoreCase),
                ReloadOnChange = false,
                ReloadDelay = json.ReloadDelay,
            };
            try
            {
                sources[i] = source;
            }
            catch (InvalidDataException e)
            {
                throw new CollectorConfigurationException($"Invalid collector configuration: {source.Describe()} is not a JSON object of settings: {e.GetBaseException().Message}", e);
            }

            source.OnLoadException = failed => failed.Ignore = true; // read once: a later read that fails must not throw
        }
    }

    /// <summary>Sets <see cref="RemovedAfter"/> of every such source in <paramref name="configuration"/> (<c>Collector:SettingsFileRemovedAfter</c>, read with the options).</summary>
    public static void RemoveAfter(IConfiguration configuration, TimeSpan wait)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var source in root.Providers.OfType<FileConfigurationProvider>().Select(p => p.Source).OfType<CheckedJsonSource>())
            {
                source.RemovedAfter = wait;
            }
        }
    }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    /// <summary>"the settings file '/etc/threadedlogging/collector.json' (--config)", for messages.</summary>
    internal string Describe() => Switch is null ? $"the settings file '{FullPath}'" : $"the settings file '{FullPath}' ({Switch})";

    /// <summary>
    /// Reads the file as the framework's provider does, but watches it itself (the source's <c>ReloadOnChange</c> is
    /// off): after a change it parses the file, and the new settings replace the old only when it was read whole.
    /// </summary>
    private sealed class Provider : JsonConfigurationProvider
    {
        private readonly CheckedJsonSource _source;
        private readonly Lock _gate = new();
        private readonly IDisposable? _watch;
        private readonly CancellationTokenSource _disposed = new();
        private int _pending;
        private bool _absent; // missing and its settings gone (or never read: missing at start, appsettings.json too); nothing more to say of it
        private bool _readWhole;
        private int _reads; // whole reads so far: a wait for a deleted file started before one of them is moot
        private int _waitingSince = -1; // the value of _reads when the running wait began; -1: none runs

        public Provider(CheckedJsonSource source)
            : base(source)
        {
            _source = source;
            if (source.FileProvider is { } files && source.Path is { } path)
            {
                _watch = ChangeToken.OnChange(() => files.Watch(path), Changed);
            }
        }

        /// <summary>The first read (and any <c>IConfigurationRoot.Reload</c>): an optional file missing then has no settings to keep or lose.</summary>
        public override void Load()
        {
            lock (_gate)
            {
                _readWhole = false;
                base.Load();
                _absent = !_readWhole && _source.Optional; // appsettings.json too: missing at start, it has no settings to keep
            }
        }

        public override void Load(Stream stream)
        {
            _readWhole = true; // the file is there (a parse that fails throws)
            try
            {
                base.Load(stream); // replaces Data only once the whole file is parsed
            }
            catch (Exception e)
            {
                Failed($"{_source.Describe()} is not a JSON object of settings: {e.GetBaseException().Message}");
                throw;
            }
        }

        protected override void Dispose(bool disposing)
        {
            _watch?.Dispose();
            _disposed.Cancel();
            _disposed.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>One read per burst of changes (a rename is several): the ones during the wait are read with it.</summary>
        private void Changed()
        {
            if (Interlocked.Exchange(ref _pending, 1) == 0)
            {
                _ = RereadAsync();
            }
        }

        private async Task RereadAsync()
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_source.ReloadDelay), TimeProvider.System).ConfigureAwait(false); // as the framework: lets the writer finish
            Volatile.Write(ref _pending, 0);
            lock (_gate)
            {
                try
                {
                    using var stream = new FileStream(_source.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    Load(stream);
                    _absent = false;
                    _reads++;
                }
                catch (Exception e) when ((e is FileNotFoundException or DirectoryNotFoundException) && _source.Optional && !_source.KeptWhenMissing)
                {
                    Missing();
                }
                catch (Exception e) when ((e is FileNotFoundException or DirectoryNotFoundException) && _absent)
                {
                    StillMissing(); // appsettings.json missing since the start: no settings were read to stay
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    Failed($"{_source.Describe()} does not exist");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Failed($"{_source.Describe()} could not be read: {e.Message}");
                }
                catch (FormatException)
                {
                    // Load said why (TakeLoadError, or TakeNotInForce when nothing read from it is in force)
                }

                OnReload();
            }
        }

        /// <summary>
        /// A read that failed (under <see cref="_gate"/>, or the first read's): said once. The settings last read stay
        /// (<see cref="TakeLoadError"/>), or, missing since the start or taken as removed, there are none to stay
        /// (<see cref="TakeNotInForce"/>: a file that appears half written).
        /// </summary>
        private void Failed(string why) => Volatile.Write(ref _absent ? ref _source._notInForce : ref _source._error, why);

        /// <summary>
        /// An optional file found deleted (under <see cref="_gate"/>): its settings stay, said as a failed read, until
        /// <see cref="RemovedAfter"/> has passed with the file still missing (<see cref="RemoveIfNotBackAsync"/>).
        /// </summary>
        private void Missing()
        {
            var wait = _source.RemovedAfter;
            if (_absent || wait <= TimeSpan.Zero)
            {
                Gone(wait);
                return;
            }

            Failed($"{_source.Describe()} does not exist; if it is still missing in {wait}, it is taken as removed and its settings go (Collector:SettingsFileRemovedAfter)");
            if (_waitingSince != _reads)
            {
                _waitingSince = _reads;
                _ = RemoveIfNotBackAsync(wait, _reads);
            }
        }

        /// <summary>
        /// After <paramref name="wait"/>: the settings go if the file is still missing and was not read whole meanwhile.
        /// A file back but half written keeps them: the reads of its changes decide, as for appsettings.json.
        /// </summary>
        private async Task RemoveIfNotBackAsync(TimeSpan wait, int reads)
        {
            try
            {
                await Task.Delay(wait, TimeProvider.System, _disposed.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return; // the configuration was disposed
            }

            lock (_gate)
            {
                if (_waitingSince == reads)
                {
                    _waitingSince = -1;
                }

                if (_reads != reads || File.Exists(_source.FullPath))
                {
                    return;
                }

                Gone(wait);
                OnReload();
            }
        }

        /// <summary>A change found the file missing, as it was (since the start, or taken as removed): said at Debug only (<see cref="TakeStillMissing"/>).</summary>
        private void StillMissing() =>
            Volatile.Write(ref _source._stillMissing, $"{_source.Describe()} does not exist, as before this change: nothing to read; it is read when it is there");

        /// <summary>An optional file deleted and not back (<see cref="Missing"/>): its settings go, as the framework's provider drops them; no error.</summary>
        private void Gone(TimeSpan waited)
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (_absent)
            {
                StillMissing();
            }
            else
            {
                _absent = true;
                var after = waited > TimeSpan.Zero ? $", still missing {waited} after it was deleted (Collector:SettingsFileRemovedAfter)" : "";
                Volatile.Write(ref _source._gone, $"{_source.Describe()} is gone{after}: its settings are no longer read; it is read again when it is back");
            }
        }
    }
}
