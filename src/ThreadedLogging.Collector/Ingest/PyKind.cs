namespace ThreadedLogging.Collector.Ingest;

/// <summary>The kinds of Python value that <see cref="PythonLiteralParser"/> understands.</summary>
internal enum PyKind
{
    None,
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    Tuple,
    List,
    Dict,
    Set,
}
