namespace ThreadedLogging;

/// <summary>Basic-auth credentials (Python's <c>credentials=(user, password)</c>).</summary>
public sealed class HttpCredentials
{
    /// <summary>Gets or sets the user name.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>Gets or sets the password (for ThreadedLogging's collector: an ingest API key).</summary>
    public string Password { get; set; } = string.Empty;
}
