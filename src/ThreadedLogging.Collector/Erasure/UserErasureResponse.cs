namespace ThreadedLogging.Collector.Erasure;

/// <summary>The answer of <c>DELETE /api/users/{user}</c>, sent once everything is committed.</summary>
/// <param name="User">The user as asked (events of the same name but for ASCII case were erased too).</param>
/// <param name="Erased">Events erased; 0 for an unknown user, or one erased before.</param>
internal sealed record UserErasureResponse(string User, long Erased);
