namespace ThreadedLogging.Collector.Security;

/// <summary>
/// The header the support page sends with every state change it makes with its session cookie (issue 13).
/// A cross-origin page cannot send a custom header without a CORS preflight, which the collector never
/// grants; with SameSite=Strict cookies and the <see cref="SameOrigin"/> check it is the third CSRF guard.
/// </summary>
internal static class ConsoleRequest
{
    public const string HeaderName = "X-Requested-With";

    public const string HeaderValue = "ThreadedLogging.Console";

    public static bool IsMarked(HttpRequest request) =>
        string.Equals(request.Headers[HeaderName].ToString(), HeaderValue, StringComparison.Ordinal);
}
