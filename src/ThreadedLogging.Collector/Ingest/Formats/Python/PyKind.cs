namespace ThreadedLogging.Collector.Ingest.Formats.Python;

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
