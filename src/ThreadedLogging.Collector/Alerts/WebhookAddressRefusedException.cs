using System.Net;

namespace ThreadedLogging.Collector.Alerts;

/// <summary>
/// Every address a webhook's host resolved to is refused (<see cref="WebhookDestinations.Allows"/>): thrown by
/// <see cref="WebhookConnector"/> before any connection is attempted. Its message names the host and its addresses, for the
/// collector's log; the API shows <see cref="WebhookFailure.AddressRefused"/> only.
/// </summary>
internal sealed class WebhookAddressRefusedException : Exception
{
    public WebhookAddressRefusedException()
    {
    }

    public WebhookAddressRefusedException(string message)
        : base(message)
    {
    }

    public WebhookAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WebhookAddressRefusedException(string host, IReadOnlyList<IPAddress> addresses, WebhookDestinations destinations)
        : base($"{host} resolved to {string.Join(", ", addresses)}: {(addresses.All(WebhookDestinations.IsAlwaysRefused) ? "link-local, always refused" : $"not allowed by {WebhookDestinations.SettingName} ({string.Join(", ", destinations?.Entries ?? [])})")}; no connection attempted")
    {
    }
}
