using System.Reflection;

namespace ThreadedLogging;

/// <summary>
/// The identity values the environment gives when the app sets none: the entry assembly's name and version, the OS's
/// user and machine names. Tests give their own (an OS user name with a line break is nothing a test can make).
/// </summary>
/// <remarks>
/// Unlike the app's own values, which <see cref="ThreadedHandlerOptions.Validate"/> refuses when blank, padded or with a
/// control character, these are not the app's to fix: <see cref="Cleaned"/> makes them usable instead.
/// </remarks>
internal sealed record EnvironmentIdentity(string? App, string? Version, string? User, string? Machine)
{
    /// <summary>This process's: the entry assembly, <see cref="Environment.UserName"/>, <see cref="Environment.MachineName"/>.</summary>
    public static EnvironmentIdentity OfProcess()
    {
        var entry = Assembly.GetEntryAssembly();
        var version = entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? entry?.GetName().Version?.ToString();
        return new(entry?.GetName().Name, version, Environment.UserName, Environment.MachineName);
    }

    /// <summary>
    /// An environment's value as it is sent: each control character (C0, DEL) a space, white space at the ends cut, so that
    /// it travels in a URL path, a form, JSON and an SQS message and files under the name meant; empty when nothing is left
    /// (a Unix uid without a passwd entry has an empty <see cref="Environment.UserName"/>).
    /// </summary>
    public static string Cleaned(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.AsSpan().IndexOfAny(ThreadedHandlerOptions.ControlChars) >= 0)
        {
            value = string.Create(value.Length, value, static (span, text) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = ThreadedHandlerOptions.ControlChars.Contains(text[i]) ? ' ' : text[i];
                }
            });
        }

        return value.Trim();
    }
}
