using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace ThreadedLogging;

/// <summary>
/// The one way every <c>Add…</c> extension of the ThreadedLogging packages registers its options: named
/// options per provider (as MEL's own providers do), so two handlers never share one options object or
/// each other's <c>configure</c> delegates. The provider's configuration section
/// (<c>Logging:{alias}</c>, by its <see cref="ProviderAliasAttribute"/>) is bound first, then the delegate runs.
/// When that section's configuration reloads, the options are computed again and handed to the handler
/// (<see cref="ThreadedHandler.OptionsReloaded"/>), which applies what can change at runtime.
/// </summary>
internal static class ProviderRegistration
{
    /// <summary>
    /// What binding the section threw, per options object: thrown at the handler's start, reported by the handler on a
    /// reload (thrown inside the configuration's reload callback, it would reach the app's <c>Reload()</c> or the file watcher).
    /// </summary>
    private static readonly ConditionalWeakTable<object, Exception> BindErrors = [];

    /// <summary>
    /// Registers the options named <paramref name="name"/>: configuration of <typeparamref name="TProvider"/>, then
    /// <paramref name="configure"/>. Called again for the same name (<c>AddThreadedHttp</c> twice: a library's registration
    /// and the app's), only the delegate is added: the section is bound once, before every delegate, as MEL's own
    /// providers register their <c>IConfigureOptions</c> with <c>TryAddEnumerable</c>. Bound at each call, a list option got
    /// each item of the section once per call, and the second binding undid what the first call's delegate set.
    /// </summary>
    public static void AddOptions<TOptions, TProvider>(ILoggingBuilder builder, string name, Action<TOptions>? configure)
        where TOptions : class
    {
        builder.AddConfiguration();

        // Once per name: the binding, and the reload of the options named `name` when the provider's section reloads, as
        // MEL's LoggerProviderOptionsChangeTokenSource does for unnamed options. By name, not by type as TryAddEnumerable
        // would: AddThreaded registers the same types under a name per call, each bound for its own handler.
        var registered = new RegisteredOptions(typeof(TOptions), name);
        if (!builder.Services.Any(d => d.ServiceType == typeof(RegisteredOptions) && registered.Equals(d.ImplementationInstance)))
        {
            builder.Services.AddSingleton(registered);
            builder.Services.AddOptions<TOptions>(name).Configure<ILoggerProviderConfiguration<TProvider>>(Bind<TOptions, TProvider>);
            builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(services =>
                new ConfigurationChangeTokenSource<TOptions>(name, services.GetRequiredService<ILoggerProviderConfiguration<TProvider>>().Configuration));
        }

        if (configure is not null)
        {
            builder.Services.Configure(name, configure);
        }
    }

    /// <summary>Binds the provider's section (<c>Logging:{alias}</c>) into the options; what it refuses is kept for the handler's start (<see cref="BindErrors"/>).</summary>
    private static void Bind<TOptions, TProvider>(TOptions options, ILoggerProviderConfiguration<TProvider> provider)
        where TOptions : class
    {
        try
        {
            RefuseUnknownKeys<TOptions, TProvider>(provider.Configuration);
            RefuseMisshapenValues<TOptions, TProvider>(provider.Configuration);
            try
            {
                provider.Configuration.Bind(options);
            }
            catch (InvalidOperationException e)
            {
                // The binder's "Failed to convert configuration value 'x' at 'Level'" names neither the section nor what is allowed.
                throw new InvalidOperationException($"Logging:{Alias<TProvider>()}: {e.Message}", e);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            BindErrors.AddOrUpdate(options, e);
        }
    }

    /// <summary>
    /// Creates the handler from the options named <paramref name="name"/> and subscribes it to their reloads (ended when
    /// the handler is disposed).
    /// </summary>
    /// <exception cref="ArgumentException">A key of the provider's section names no option.</exception>
    /// <exception cref="InvalidOperationException">A value of the provider's section cannot be converted to its option's type.</exception>
    public static THandler Create<TOptions, THandler>(IServiceProvider services, string name, Func<TOptions, THandler> create)
        where TOptions : ThreadedHandlerOptions
        where THandler : ThreadedHandler
    {
        var monitor = services.GetRequiredService<IOptionsMonitor<TOptions>>();
        var options = monitor.Get(name);
        if (BindErrors.TryGetValue(options, out var error))
        {
            ExceptionDispatchInfo.Throw(error);
        }

        THandler handler;
        try
        {
            handler = create(options);
        }
        catch (ArgumentException e) when (FromConfiguration(services.GetRequiredService<ILoggerProviderConfiguration<THandler>>().Configuration, services.GetService<IConfiguration>(), options, Alias<THandler>(), e) is { } reason)
        {
            throw e is ArgumentOutOfRangeException range
                ? new ArgumentOutOfRangeException(e.ParamName, range.ActualValue, reason)
                : new ArgumentException(reason, e.ParamName, e);
        }

        handler.Subscribe(monitor.OnChange((reloaded, changed) =>
        {
            if (changed == name)
            {
                handler.OptionsReloaded(reloaded, BindErrors.TryGetValue(reloaded, out var bindError) ? bindError : null);
            }
        }));
        return handler;
    }

    /// <summary>
    /// Throws for a key of the provider's section that names no option: the binder ignores it, so a misspelt
    /// <c>BufferDirectroy</c> would leave the app without its spool, unsaid. MEL's own <c>LogLevel</c> (the provider's filter rules) is allowed.
    /// </summary>
    /// <exception cref="ArgumentException">A key names no option, or one set in code only (a callback); the message names the key and the options.</exception>
    private static void RefuseUnknownKeys<TOptions, TProvider>(IConfiguration section)
    {
        var properties = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var options = properties.Where(p => !IsCodeOnly(p.PropertyType)).Select(p => p.Name).Append("LogLevel");
        foreach (var child in section.GetChildren())
        {
            var alias = Alias<TProvider>();
            if (properties.FirstOrDefault(p => p.Name.Equals(child.Key, StringComparison.OrdinalIgnoreCase)) is { } codeOnly && IsCodeOnly(codeOnly.PropertyType))
            {
                // The binder skips it without a word: "SelfLog": "console" (or true) left the app as deaf as before, and the
                // list of options below named SelfLog as one configuration could set.
                throw new ArgumentException(
                    $"Logging:{alias}:{child.Key} cannot be set from configuration: it is a {(typeof(Delegate).IsAssignableFrom(codeOnly.PropertyType) ? "callback" : codeOnly.PropertyType.Name)}, set in code by the Add… call's delegate (o => o.{codeOnly.Name} = …; the self-log: o => o.SelfLog = Console.Error.WriteLine); it was not applied.",
                    child.Key);
            }

            if (!options.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException(
                    $"Logging:{alias}:{child.Key} is not an option of {typeof(TOptions).Name} (a misspelt name is not applied){MeantAndOptions(child.Key, options)}.",
                    child.Key);
            }

            // An option that is itself a group of settings (Credentials): its keys are checked the same way.
            if (properties.FirstOrDefault(p => p.Name.Equals(child.Key, StringComparison.OrdinalIgnoreCase))?.PropertyType is { } type
                && IsSettingsGroup(type))
            {
                var names = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true).Select(p => p.Name).ToArray();
                foreach (var key in child.GetChildren().Select(c => c.Key).Where(k => !names.Contains(k, StringComparer.OrdinalIgnoreCase)))
                {
                    throw new ArgumentException(
                        $"Logging:{alias}:{child.Key}:{key} is not an option of {type.Name} (a misspelt name is not applied){MeantAndOptions(key, names)}.",
                        child.Key);
                }
            }
        }
    }

    /// <summary>
    /// The end of the refusal of an unknown key: the option one or two edits away first (<see cref="NearName"/>: "…: did you
    /// mean BatchSize? The options are …"), since the list alone (every option) left the app's developer comparing
    /// <c>BatchSzie</c> with each name; then every option.
    /// </summary>
    private static string MeantAndOptions(string key, IEnumerable<string> options)
    {
        var list = string.Join(", ", options.Order(StringComparer.Ordinal));
        return NearName.Closest(key, options) is { } meant ? $": did you mean {meant}? The options are {list}" : $"; the options are {list}";
    }

    /// <summary>
    /// Throws for an option of one value (a text, a number, a time span, a level) given a list or a section: <c>"Host":
    /// ["127.0.0.1:5191"]</c> was refused as "Host must be 'name' or 'name:port' (was '')", and <c>"ApiKey": {"a": 1}</c> as
    /// the binder's "Cannot create instance of type 'System.String' …", naming no key. Says the key given, never a value
    /// (it may be a secret), as the collector's settings do.
    /// </summary>
    private static void RefuseListForOneValue<TProvider>(PropertyInfo property, IConfigurationSection child)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if ((type == typeof(string) || type.IsValueType) && child.GetChildren().FirstOrDefault() is { } given)
        {
            var key = $"Logging:{Alias<TProvider>()}:{property.Name}";
            throw new ArgumentException(
                $"{key} takes one value, not a list or a section ({key}:{given.Key} was given; not applied): write \"{property.Name}\": \"…\".",
                property.Name);
        }
    }

    /// <summary>
    /// Throws for a value the binder would refuse with a bare message or skip without a word (adopter walk 4): an enum
    /// option set to a name it lacks (<c>Level=Verbose</c>: the message lists the names), and a list option given one
    /// value instead of items (<c>ExcludedCategories=Microsoft</c> bound nothing).
    /// </summary>
    /// <exception cref="InvalidOperationException">An enum option's value is none of its names or numbers.</exception>
    /// <exception cref="ArgumentException">A list option or a group of settings (<c>Credentials</c>) has a value of its own rather than items.</exception>
    private static void RefuseMisshapenValues<TOptions, TProvider>(IConfiguration section)
    {
        foreach (var property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var child = section.GetSection(property.Name);
            if (child.Value is not { } value)
            {
                RefuseListForOneValue<TProvider>(property, child);
                continue;
            }

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsEnum && value.Length > 0 && !Enum.TryParse(type, value, ignoreCase: true, out _))
            {
                throw new InvalidOperationException(
                    $"Logging:{Alias<TProvider>()}:{property.Name} is '{value}', not a {type.Name}: one of {string.Join(", ", Enum.GetNames(type))}.");
            }

            if (IsSettingsGroup(type) && value.Length > 0)
            {
                // The binder skips it without a word: "Credentials": "ops" sent no credentials, and every request was refused (401).
                var names = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true).Select(p => $"{property.Name}:{p.Name}");
                throw new ArgumentException(
                    $"Logging:{Alias<TProvider>()}:{property.Name} is a group of settings: give {string.Join(" and ", names.Order(StringComparer.Ordinal))} (a JSON object), not one value (it was not applied; not shown, as it may be a secret).",
                    property.Name);
            }

            if (type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && value.Length > 0)
            {
                throw new ArgumentException(
                    $"Logging:{Alias<TProvider>()}:{property.Name} is a list: give its items as {property.Name}:0, {property.Name}:1 … (a JSON array), not one value ('{value}' was not applied).",
                    property.Name);
            }
        }
    }

    /// <summary>
    /// The refusal of an option as the app wrote it, or null when it reads as it should: an option whose value is the
    /// provider's section's is named by its full key, as the binder's refusals and the unknown keys' are
    /// (<c>Logging:ThreadedHttp:BatchSize must be between 1 and 100000 (was 0).</c>: it said <c>BatchSize</c>, which the
    /// app's appsettings.json does not hold at its top), and a time span written as a bare number gets the hint of
    /// <see cref="DaysNotSeconds"/>; an option refused for being unset, where it was looked for (<see cref="UnsetOption"/>:
    /// the app's root configuration, <paramref name="root"/>, shows a misspelt section). A value the <c>Add…</c> call's
    /// delegate set over the section's keeps its bare name.
    /// </summary>
    private static string? FromConfiguration(IConfiguration section, IConfiguration? root, object options, string alias, ArgumentException refusal)
    {
        var reason = Reason(refusal);
        var named = false;
        if (refusal.ParamName is { } name && options.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { } property
            && section.GetSection(property.Name) is var key && key.Exists() && InForce(key, property, options))
        {
            // "Credentials.UserName must not contain ':'" names a key of a group: Logging:ThreadedHttp:Credentials:UserName.
            var full = $"Logging:{alias}:{property.Name}";
            reason = reason.StartsWith(property.Name, StringComparison.Ordinal)
                ? full + (reason.Length > property.Name.Length && reason[property.Name.Length] == '.' ? ":" + reason[(property.Name.Length + 1)..] : reason[property.Name.Length..])
                : $"{full}: {reason}";
            named = true;
        }

        var hint = DaysNotSeconds(section, options.GetType(), alias, refusal) ?? UnsetOption.Hint(section, root, options, alias, refusal);
        return hint is null ? (named ? reason : null) : $"{reason} {hint}";
    }

    /// <summary>
    /// Whether the section's value of <paramref name="property"/> is the one in force: a value of its own (a number, a
    /// text, a time span) equal to the option's, or a list or group of settings the section gives (it binds them).
    /// </summary>
    private static bool InForce(IConfigurationSection key, PropertyInfo property, object options)
    {
        if (key.Value is null)
        {
            return true; // items or keys of a group: bound into the option
        }

        try
        {
            return Equals(key.Get(property.PropertyType), property.GetValue(options));
        }
        catch (InvalidOperationException)
        {
            return false; // not of the option's type: the binder refused it before, so this refusal is not about it
        }
    }

    /// <summary>
    /// What the app most likely meant by the option refused, when the section gives a time span as a bare number: .NET reads
    /// <c>"ShutdownTimeout": "5"</c> as 5 days, so the refusal said "(was 5.00:00:00)" of a value written as 5, or (a
    /// <c>MinRetryDelay</c> of "1") named only another option. Null when no time span the refusal is about is a bare number.
    /// </summary>
    private static string? DaysNotSeconds(IConfiguration section, Type options, string alias, ArgumentException refusal)
    {
        // Only the options the refusal is about (its parameter, or named in its reason: MaxRetryDelay's names
        // MinRetryDelay): a bare number elsewhere may be meant as days ("MaxBufferAge": "7").
        var bare = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(TimeSpan))
            .Where(p => p.Name == refusal.ParamName || Regex.IsMatch(Reason(refusal), $@"\b{p.Name}\b", RegexOptions.CultureInvariant))
            .Select(p => (p.Name, Number: int.TryParse(section[p.Name], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0))
            .Where(o => o.Number > 0) // "0" is zero in any unit
            .Select(o => $"Logging:{alias}:{o.Name} is '{o.Number}', which .NET reads as {o.Number} {(o.Number == 1 ? "day" : "days")}: write {TimeSpan.FromSeconds(o.Number):c} for {o.Number} {(o.Number == 1 ? "second" : "seconds")}.")
            .ToArray();
        return bare.Length == 0 ? null : string.Join(" ", bare);
    }

    /// <summary>An exception's message without the " (Parameter 'name')" and actual value that <see cref="ArgumentException"/> adds to it.</summary>
    private static string Reason(ArgumentException e)
    {
        var suffix = e.Message.IndexOf($" (Parameter '{e.ParamName}')", StringComparison.Ordinal);
        return e.ParamName is null || suffix < 0 ? e.Message : e.Message[..suffix];
    }

    private static string Alias<TProvider>() => typeof(TProvider).GetCustomAttribute<ProviderAliasAttribute>()?.Alias ?? typeof(TProvider).FullName!;

    /// <summary>An option that configuration cannot set: a callback (<see cref="ThreadedHandlerOptions.SelfLog"/>) or a service (<see cref="TimeProvider"/>).</summary>
    private static bool IsCodeOnly(Type type) =>
        typeof(Delegate).IsAssignableFrom(type) || (type.IsAbstract && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type));

    /// <summary>A class of settings of our own (not text, a collection or a service such as <see cref="TimeProvider"/>).</summary>
    private static bool IsSettingsGroup(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace == typeof(ThreadedHandlerOptions).Namespace && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    /// <summary>Marks the options whose binding and reload are registered.</summary>
    private sealed record RegisteredOptions(Type Options, string Name);
}
