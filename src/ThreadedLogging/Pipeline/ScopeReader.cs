using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ThreadedLogging;

/// <summary>
/// Reads the scopes of a log call from the factory's <see cref="IExternalScopeProvider"/>.
/// <see cref="IExternalScopeProvider.ForEachScope{TState}"/> is a generic virtual method: calling it resolves the
/// target at run time on every call (<c>VirtualFunctionPointer</c>, about 8 % of the caller's time in a perf
/// profile). A delegate bound to it once per provider is resolved at its creation and then called directly.
/// </summary>
/// <remarks>
/// MEL's two providers (<c>LoggerFactoryScopeProvider</c>, the one every <c>LoggerFactory</c> hands its providers, and
/// <see cref="LoggerExternalScopeProvider"/>) keep their scopes, and read the activity, only in async-locals, that is
/// in the <see cref="ExecutionContext"/>, which is immutable: any change of an async-local makes a new one. So when a
/// thread's call found no scope in an execution context, a call of the same thread in the same context has none
/// either, and skips the provider (its shared generic code and the async-local lookups: about 11 ns of a call in a
/// perf profile of a burst). Each thread keeps the last such context (<see cref="CallerThread"/>); a provider of any
/// other type is asked every time.
/// </remarks>
internal sealed class ScopeReader
{
    private static readonly Action<object?, List<object?>> AddFrozen = static (scope, list) => list.Add(EventCapture.FreezeScope(scope));

    private readonly Action<Action<object?, List<object?>>, List<object?>> _forEach;
    private readonly bool _scopesInExecutionContext;

    public ScopeReader(IExternalScopeProvider provider)
    {
        Provider = provider;
        _forEach = provider.ForEachScope;
        _scopesInExecutionContext = KeepsScopesInExecutionContext(provider);
    }

    /// <summary>Gets the provider that scopes are pushed to and read from.</summary>
    public IExternalScopeProvider Provider { get; }

    /// <summary>
    /// Whether the calling thread's last call found no scope in this very execution context (see the remarks): then
    /// <see cref="Capture"/> would return null. The check alone, inlined into the log call, which calls
    /// <see cref="Capture"/> only when it fails.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool KnownEmpty(CallerThread caller, ExecutionContext? context) =>
        _scopesInExecutionContext && context is not null && caller.KnowsNoScopes(this, context);

    /// <summary>Returns the calling thread's active scopes, frozen, outermost first; <see langword="null"/> when there are none.</summary>
    /// <param name="caller">The calling thread.</param>
    /// <param name="context">The calling thread's <see cref="ExecutionContext.Capture"/>, taken once per call.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public object?[]? Capture(CallerThread caller, ExecutionContext? context)
    {
        context = _scopesInExecutionContext ? context : null;
        if (context is not null && caller.KnowsNoScopes(this, context))
        {
            return null;
        }

        var buffer = caller.Scopes;
        buffer.Clear();
        _forEach(AddFrozen, buffer);
        if (buffer.Count == 0)
        {
            if (context is not null)
            {
                caller.RememberNoScopes(this, context);
            }

            return null;
        }

        var scopes = buffer.ToArray();
        buffer.Clear();
        return scopes;
    }

    /// <summary>MEL's own providers, by exact type: a subclass or another provider may keep state elsewhere.</summary>
    private static bool KeepsScopesInExecutionContext(IExternalScopeProvider provider) =>
        provider.GetType() == typeof(LoggerExternalScopeProvider)
        || provider.GetType().FullName == "Microsoft.Extensions.Logging.LoggerFactoryScopeProvider";
}
