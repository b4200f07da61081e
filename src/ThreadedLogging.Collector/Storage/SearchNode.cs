namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// What full text must find (<c>q</c>, docs/QUERY.md): terms combined by AND, OR and NOT, as
/// <see cref="Query.SearchTextParser"/> reads them; each store writes it in its own syntax (SQLite: an FTS5 MATCH
/// expression, PostgreSQL: a <c>tsquery</c>). A closed family: <see cref="SearchTerm"/>, <see cref="SearchAll"/>,
/// <see cref="SearchAny"/>, <see cref="SearchNot"/>.
/// </summary>
/// <remarks>
/// Invariant (the parser's): every node finds something by itself. A <see cref="SearchNot"/> is only an item of a
/// <see cref="SearchAll"/> that also has an item that is not one (<c>timeout -retry</c>), never alone, never an OR's
/// side: neither FTS5 nor a GIN index can list the events that lack a word, only remove them from those that have one.
/// </remarks>
internal abstract record SearchNode
{
    /// <summary>
    /// Terms that must all occur (<c>q</c>'s plain words; each a phrase, a prefix when it ends in <c>*</c>);
    /// null for none.
    /// </summary>
    public static SearchNode? AllOf(IEnumerable<string> terms) => AllOf(terms.Select(t => (SearchNode)new SearchTerm(t)));

    /// <summary>The nodes AND-ed (an item that is an AND itself is flattened into it); one node is itself, none null.</summary>
    public static SearchNode? AllOf(IEnumerable<SearchNode> nodes)
    {
        var items = nodes.SelectMany(n => n is SearchAll all ? all.Items : [n]).ToList();
        return items.Count switch
        {
            0 => null,
            1 => items[0],
            _ => new SearchAll(items),
        };
    }

    /// <summary>Gets every term of the tree, those under NOT included, left to right.</summary>
    public abstract IEnumerable<SearchTerm> Terms { get; }

    /// <summary>The tree written out, for tests and logs: <c>AND("a", OR("b", "c*"), NOT("d e"))</c>.</summary>
    public abstract string Describe();
}

/// <summary>One term: a phrase (its words adjacent, in order; one word is a phrase of one), a prefix when <see cref="Text"/> ends in <c>*</c>.</summary>
internal sealed record SearchTerm(string Text) : SearchNode
{
    /// <summary>Gets a value indicating whether the phrase's last word is a prefix (<c>invoi*</c>, <c>"rejected by ba"*</c>).</summary>
    public bool IsPrefix => Text.EndsWith('*');

    /// <summary>Gets the phrase without the prefix's <c>*</c>.</summary>
    public string Phrase => IsPrefix ? Text[..^1] : Text;

    /// <inheritdoc/>
    public override IEnumerable<SearchTerm> Terms => [this];

    /// <inheritdoc/>
    public override string Describe() => "\"" + Text + "\"";
}

/// <summary>Every item must hold (implicit AND, or <c>AND</c>); items that are <see cref="SearchNot"/> remove what they find.</summary>
internal sealed record SearchAll(IReadOnlyList<SearchNode> Items) : SearchNode
{
    /// <inheritdoc/>
    public override IEnumerable<SearchTerm> Terms => Items.SelectMany(i => i.Terms);

    /// <inheritdoc/>
    public override string Describe() => "AND(" + string.Join(", ", Items.Select(i => i.Describe())) + ")";
}

/// <summary>Any item may hold (<c>OR</c>).</summary>
internal sealed record SearchAny(IReadOnlyList<SearchNode> Items) : SearchNode
{
    /// <inheritdoc/>
    public override IEnumerable<SearchTerm> Terms => Items.SelectMany(i => i.Terms);

    /// <inheritdoc/>
    public override string Describe() => "OR(" + string.Join(", ", Items.Select(i => i.Describe())) + ")";
}

/// <summary>The events <see cref="Item"/> finds are removed (<c>-word</c>, <c>NOT word</c>); only ever an item of a <see cref="SearchAll"/>.</summary>
internal sealed record SearchNot(SearchNode Item) : SearchNode
{
    /// <inheritdoc/>
    public override IEnumerable<SearchTerm> Terms => Item.Terms;

    /// <inheritdoc/>
    public override string Describe() => "NOT(" + Item.Describe() + ")";
}
