namespace ThreadedLogging;

/// <summary>
/// The layout of a queued record (<see cref="RecordWriter"/> writes it, <see cref="RecordReader"/> reads it; both in
/// one process, so numbers are in the machine's order and value types are copied as they are in memory):
/// <code>
/// int32 length (the ring's) · byte kind
/// kind Object:  int32 slot in ObjectSlots
/// kind Encoded: byte level · byte flags · int64 UTC ticks · int16 offset minutes · int32 thread id · int32 event id
///               name category · uint16 n, n × (name key, value)
///               [name template | text message] [name event name] [name thread name] [16 B trace id, 8 B span id]
///               [uint16 n, n × scope]
/// name:  byte 0 id (int32) | 1 text | 2 null          text: int32 chars, UTF-16
/// value: byte tag, then nothing (null), text (string) or the value's bytes
/// scope: byte 0 null | 1 text | 2 properties (uint16 n, n × (name, value))
/// </code>
/// </summary>
internal static class RecordFormat
{
    public const string OriginalFormat = "{OriginalFormat}";

    /// <summary>Longer text makes the call go as an object (a record must fit a segment).</summary>
    public const int MaxTextChars = 8 * 1024;

    public const byte KindEncoded = 1;
    public const byte KindObject = 2;

    public const int HasTemplate = 1;
    public const int HasMessage = 2;
    public const int HasEventName = 4;
    public const int HasThreadName = 8;
    public const int HasActivity = 16;
    public const int HasScopes = 32;

    public const byte NameId = 0;
    public const byte NameText = 1;
    public const byte NameNull = 2;

    public const byte ValueNull = 0;
    public const byte ValueString = 1;
    public const byte ValueInt32 = 2;
    public const byte ValueInt64 = 3;
    public const byte ValueDouble = 4;
    public const byte ValueDecimal = 5;
    public const byte ValueBoolean = 6;
    public const byte ValueDateTime = 7;
    public const byte ValueDateTimeOffset = 8;
    public const byte ValueGuid = 9;
    public const byte ValueTimeSpan = 10;

    public const byte ScopeNull = 0;
    public const byte ScopeText = 1;
    public const byte ScopeProperties = 2;
}
