using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Reads the scopes of a log call from the factory's <see cref="IExternalScopeProvider"/>.
/// <see cref="IExternalScopeProvider.ForEachScope{TState}"/> is a generic virtual method: calling it resolves the
/// target at run time on every call (<c>VirtualFunctionPointer</c>, about 8 % of the caller's time in a perf
/// profile). A delegate bound to it once per provider is resolved at its creation and then called directly.
/// </summary>
internal sealed class ScopeReader
{
    private static readonly Action<object?, List<object?>> AddFrozen = static (scope, list) => list.Add(EventCapture.FreezeScope(scope));

    private readonly Action<Action<object?, List<object?>>, List<object?>> _forEach;

    public ScopeReader(IExternalScopeProvider provider)
    {
        Provider = provider;
        _forEach = provider.ForEachScope;
    }

    /// <summary>Gets the provider that scopes are pushed to and read from.</summary>
    public IExternalScopeProvider Provider { get; }

    /// <summary>Returns the active scopes, frozen, outermost first; <see langword="null"/> when there are none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public object?[]? Capture(List<object?> buffer)
    {
        buffer.Clear();
        _forEach(AddFrozen, buffer);
        if (buffer.Count == 0)
        {
            return null;
        }

        var scopes = buffer.ToArray();
        buffer.Clear();
        return scopes;
    }
}
