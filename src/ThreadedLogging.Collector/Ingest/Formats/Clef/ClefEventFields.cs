using System.Runtime.InteropServices;
using System.Text.Json;

namespace ThreadedLogging.Collector.Ingest.Formats.Clef;

/// <summary>
/// The values of one CLEF event's reified fields (<c>@t @m @mt @l @x @i @r @tr @sp</c>), <c>SourceContext</c> and the
/// identity properties (the first of <see cref="IdentityPropertyOptions"/>' names present), as found in one pass.
/// </summary>
internal struct ClefEventFields
{
    public JsonElement Time;
    public JsonElement Message;
    public JsonElement Template;
    public JsonElement Level;
    public JsonElement Exception;
    public JsonElement EventId;
    public JsonElement Renderings;
    public JsonElement TraceId;
    public JsonElement SpanId;
    public JsonElement SourceContext;
    public JsonElement User;
    public JsonElement App;
    public JsonElement Version;
    public JsonElement Machine;

    // The rank of the identity property kept (0: none yet): each name has two, 2n + 1 as written and 2n + 2 in another ASCII
    // case (`userId` for UserId: the names match in any case, the case written first); past 2 × the names' count, a template
    // hole's (IdentityRank).
    private int _userRank;
    private int _appRank;
    private int _versionRank;
    private int _machineRank;

    public static bool IsReified(ReadOnlySpan<byte> name) =>
        name.Length is >= 2 and <= 3 && name[0] == (byte)'@'
        && (name.SequenceEqual("@t"u8) || name.SequenceEqual("@m"u8) || name.SequenceEqual("@mt"u8) || name.SequenceEqual("@l"u8)
            || name.SequenceEqual("@x"u8) || name.SequenceEqual("@i"u8) || name.SequenceEqual("@r"u8) || name.SequenceEqual("@tr"u8)
            || name.SequenceEqual("@sp"u8));

    /// <summary>Keeps <paramref name="value"/> as an identity when <paramref name="name"/> outranks what was found so far.</summary>
    /// <param name="name">The property's name.</param>
    /// <param name="value">Its value.</param>
    /// <param name="names">The identity names by kind, UTF-8.</param>
    /// <param name="e">The event: its <c>@mt</c> read when an object is offered before it was found.</param>
    public void OfferIdentity(ReadOnlySpan<byte> name, JsonElement value, byte[][][] names, JsonElement e)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            // Serilog.Sinks.Seq (9.x) sends a dotted name as nested objects, as Seq reads it (`user.id` as
            // {"user":{"id":…}}): OpenTelemetry's names (`user.id`, `service.name`, `host.name`) arrive so from a Serilog app.
            // Not a destructured value: one with "$type" (a class's, which the sink's nesting never writes) or a hole of the
            // template ("Deploy of {@service}" with {name:"payments"} is the message's content, not the app).
            if (value.TryGetProperty("$type"u8, out _) || IsTemplateHole(name, e))
            {
                return;
            }

            OfferNested(ref User, ref _userRank, name, value, names[IdentityPropertyOptions.UserKind]);
            OfferNested(ref App, ref _appRank, name, value, names[IdentityPropertyOptions.AppKind]);
            OfferNested(ref Version, ref _versionRank, name, value, names[IdentityPropertyOptions.VersionKind]);
            OfferNested(ref Machine, ref _machineRank, name, value, names[IdentityPropertyOptions.MachineKind]);
            return;
        }

        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            return; // only a string or a number names an identity; the next name is tried
        }

        // A hole of the template is the message's content ("Deleted account {UserId}", logged by an admin): it ranks after
        // every name the app set otherwise (enrichers, LogContext), EnvironmentUserName too, and is kept only without one.
        var hole = -1;
        Offer(ref User, ref _userRank, name, value, names[IdentityPropertyOptions.UserKind], e, ref hole);
        Offer(ref App, ref _appRank, name, value, names[IdentityPropertyOptions.AppKind], e, ref hole);
        Offer(ref Version, ref _versionRank, name, value, names[IdentityPropertyOptions.VersionKind], e, ref hole);
        Offer(ref Machine, ref _machineRank, name, value, names[IdentityPropertyOptions.MachineKind], e, ref hole);
    }

    /// <summary>Keeps <paramref name="value"/> when <paramref name="name"/> is a reified field; false for a property.</summary>
    public bool TrySetReified(ReadOnlySpan<byte> name, JsonElement value)
    {
        if (name.Length is < 2 or > 3 || name[0] != (byte)'@')
        {
            return false;
        }

        switch (name[1])
        {
            case (byte)'t' when name.Length == 2: Time = value; return true;
            case (byte)'m' when name.Length == 2: Message = value; return true;
            case (byte)'m' when name[2] == (byte)'t': Template = value; return true;
            case (byte)'l' when name.Length == 2: Level = value; return true;
            case (byte)'x' when name.Length == 2: Exception = value; return true;
            case (byte)'i' when name.Length == 2: EventId = value; return true;
            case (byte)'r' when name.Length == 2: Renderings = value; return true;
            case (byte)'t' when name[2] == (byte)'r': TraceId = value; return true;
            case (byte)'s' when name.Length == 3 && name[2] == (byte)'p': SpanId = value; return true;
            default: return false;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a hole of the event's <c>@mt</c> (<see cref="TemplateHoles.Contains"/>).</summary>
    private readonly bool IsTemplateHole(ReadOnlySpan<byte> name, JsonElement e)
    {
        var template = Template.ValueKind == JsonValueKind.String ? Template
            : e.TryGetProperty("@mt"u8, out var mt) && mt.ValueKind == JsonValueKind.String ? mt : default;
        if (template.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // The template's UTF-8 as sent (no string per event); one with an escape is read as text first.
        var raw = JsonMarshal.GetRawUtf8Value(template);
        return TemplateHoles.Contains(raw.Contains((byte)'\\') ? System.Text.Encoding.UTF8.GetBytes(template.GetString()!) : raw, name);
    }

    /// <summary>
    /// Keeps the member of the object <paramref name="value"/> that a dotted candidate names past <paramref name="name"/>
    /// (`user.id` in the property `user`: its member `id`; every dot a step, as a query's property path), when it is a
    /// string or a number and the candidate outranks what was found so far.
    /// </summary>
    private static void OfferNested(ref JsonElement chosen, ref int rank, ReadOnlySpan<byte> name, JsonElement value, byte[][] candidates)
    {
        for (var n = 0; n < candidates.Length; n++)
        {
            var candidate = candidates[n];
            if (candidate.Length <= name.Length + 1 || candidate[name.Length] != (byte)'.' || !SameName(candidate.AsSpan(0, name.Length), name, out var exact))
            {
                continue;
            }

            if (Member(value, candidate.AsSpan(name.Length + 1), ref exact) is { ValueKind: JsonValueKind.String or JsonValueKind.Number } member)
            {
                var candidateRank = IdentityRank(n, exact, hole: false, candidates.Length);
                if (rank == 0 || candidateRank <= rank)
                {
                    rank = candidateRank;
                    chosen = member;
                }

                return; // the names come best first: a later one ranks lower
            }
        }
    }

    /// <summary>
    /// The member at the dotted <paramref name="path"/> of an object, each step as written or else in another ASCII case
    /// (<paramref name="exact"/> then false); null when a step finds none.
    /// </summary>
    private static JsonElement? Member(JsonElement value, ReadOnlySpan<byte> path, ref bool exact)
    {
        while (true)
        {
            var dot = path.IndexOf((byte)'.');
            var step = dot < 0 ? path : path[..dot];
            if (value.ValueKind != JsonValueKind.Object || step.IsEmpty)
            {
                return null;
            }

            if (!value.TryGetProperty(step, out var member))
            {
                if (MemberInAnyCase(value, step) is not { } other)
                {
                    return null;
                }

                member = other;
                exact = false;
            }

            if (dot < 0)
            {
                return member;
            }

            value = member;
            path = path[(dot + 1)..];
        }
    }

    /// <summary>The first member of <paramref name="value"/> named <paramref name="step"/> in another ASCII case, or null.</summary>
    private static JsonElement? MemberInAnyCase(JsonElement value, ReadOnlySpan<byte> step)
    {
        foreach (var member in value.EnumerateObject())
        {
            if (System.Text.Ascii.EqualsIgnoreCase(JsonMarshal.GetRawUtf8PropertyName(member), step))
            {
                return member.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is <paramref name="candidate"/>, as written (<paramref name="exact"/>) or in another
    /// ASCII case: an app's <c>userId</c> or <c>USERNAME</c> names its user as <c>UserId</c> and <c>UserName</c> do.
    /// </summary>
    private static bool SameName(ReadOnlySpan<byte> candidate, ReadOnlySpan<byte> name, out bool exact)
    {
        exact = name.SequenceEqual(candidate);
        return exact || System.Text.Ascii.EqualsIgnoreCase(name, candidate);
    }

    /// <summary>
    /// The rank of the <paramref name="n"/>th of <paramref name="count"/> names: the order of the names first, then the case
    /// written before another, and a template hole after every name that is not one.
    /// </summary>
    private static int IdentityRank(int n, bool exact, bool hole, int count) => (2 * n) + (exact ? 1 : 2) + (hole ? 2 * count : 0);

    /// <summary>
    /// Keeps <paramref name="value"/> when <paramref name="name"/> is a candidate, in any ASCII case, ranked as the one kept or
    /// better (<see cref="IdentityRank"/>; the same name repeated: its last value, as TryGetProperty). A hole of the template
    /// ranks after every candidate that is not. <paramref name="hole"/>: -1 until asked, then 0 or 1.
    /// </summary>
    private readonly void Offer(ref JsonElement chosen, ref int rank, ReadOnlySpan<byte> name, JsonElement value, byte[][] candidates, JsonElement e, ref int hole)
    {
        for (var n = 0; n < candidates.Length; n++)
        {
            if (!SameName(candidates[n], name, out var exact))
            {
                continue;
            }

            if (hole < 0)
            {
                hole = IsTemplateHole(name, e) ? 1 : 0;
            }

            var candidateRank = IdentityRank(n, exact, hole == 1, candidates.Length);
            if (rank == 0 || candidateRank <= rank)
            {
                rank = candidateRank;
                chosen = value;
            }

            return; // the names come best first: a later one ranks lower, even as written
        }
    }
}
