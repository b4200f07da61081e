namespace ThreadedLogging.Collector.Ingest.Formats.JsonBatch;

/// <summary>The identity fields of an event, falling back to the envelope's, then to the path.</summary>
internal sealed record JsonBatchIdentity(string? App, string? Version, string? User, string? Machine, string? InstanceId)
{
    /// <summary>The envelope's identity (<paramref name="root"/>'s fields), checked in this order: app, version, user, machine, instanceId.</summary>
    /// <exception cref="IngestRejectedException">400: a field is not a string, or too long; a user that is no name (<see cref="IngestLimits.User"/>).</exception>
    public static JsonBatchIdentity From(in JsonBatchEventFields root, JsonBatchBody body, string path, IngestLimits limits) => new(
        limits.App(body.Text(root.App, JsonBatchFields.App, -1), JsonBatchFields.App, -1),
        limits.Version(body.Text(root.Version, JsonBatchFields.Version, -1), JsonBatchFields.Version, -1),
        limits.User(body.Text(root.User, JsonBatchFields.User, -1) ?? PathUser.From(path), JsonBatchFields.User, -1),
        limits.Machine(body.Text(root.Machine, JsonBatchFields.Machine, -1), JsonBatchFields.Machine, -1),
        limits.Instance(body.Text(root.InstanceId, JsonBatchFields.InstanceId, -1), JsonBatchFields.InstanceId, -1));

    /// <summary>An event's identity: its own fields, else the envelope's (<paramref name="fallback"/>), else the path's user.</summary>
    /// <exception cref="IngestRejectedException">400: a field is not a string, or too long; a user that is no name (<see cref="IngestLimits.User"/>).</exception>
    public static JsonBatchIdentity From(
        in JsonBatchEventFields f, JsonBatchIdentity? fallback, JsonBatchBody body, string path, IngestLimits limits, int index, BatchStrings strings)
    {
        if (fallback is not null && f.App.IsAbsent && f.Version.IsAbsent && f.User.IsAbsent && f.Machine.IsAbsent && f.InstanceId.IsAbsent)
        {
            return fallback; // the usual batch: identity in the envelope only
        }

        return new JsonBatchIdentity(
            limits.App(body.Text(f.App, JsonBatchFields.App, index, strings), JsonBatchFields.App, index) ?? fallback?.App,
            limits.Version(body.Text(f.Version, JsonBatchFields.Version, index, strings), JsonBatchFields.Version, index) ?? fallback?.Version,
            limits.User(body.Text(f.User, JsonBatchFields.User, index, strings) ?? fallback?.User ?? PathUser.From(path), JsonBatchFields.User, index),
            limits.Machine(body.Text(f.Machine, JsonBatchFields.Machine, index, strings), JsonBatchFields.Machine, index) ?? fallback?.Machine,
            limits.Instance(body.Text(f.InstanceId, JsonBatchFields.InstanceId, index, strings), JsonBatchFields.InstanceId, index) ?? fallback?.InstanceId);
    }

    /// <summary>Whether two envelopes' identity fields are the same values of the body (the same bytes, so the same identity).</summary>
    public static bool SameFields(in JsonBatchEventFields a, in JsonBatchEventFields b) =>
        a.App == b.App && a.Version == b.Version && a.User == b.User && a.Machine == b.Machine && a.InstanceId == b.InstanceId;
}
