using ThreadedLogging.Collector.Storage;

namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Reads <c>q</c> (docs/QUERY.md, "q") into a <see cref="SearchNode"/>: terms (words, <c>"a phrase"</c>, <c>word*</c>,
/// <c>"a phr"*</c>; case ignored, punctuation separates words) that must all occur, unless <c>OR</c> joins them;
/// <c>-term</c> or <c>NOT term</c> excludes; parentheses group. NOT binds tighter than AND, AND than OR:
/// <c>a b OR c -d</c> is <c>(a AND b) OR (c AND NOT d)</c>. The one parser of both stores and of every endpoint that takes <c>q</c>.
/// </summary>
/// <remarks>
/// Grammar (over <see cref="SearchTokenizer"/>'s tokens): <c>any := all (OR all)*</c>; <c>all := unary ([AND] unary)*</c>;
/// <c>unary := (NOT | -) primary | primary</c>; <c>primary := term | ( any )</c>. Each group of <c>all</c> needs an item
/// that is not an exclusion (<see cref="SearchNode"/>'s invariant): an exclusion only removes events from what the
/// rest finds, since neither store's index lists the events that lack a word.
/// </remarks>
internal sealed class SearchTextParser
{
    public const int MaxTerms = 16;
    public const int MaxLength = 1000;

    /// <summary>The deepest nesting of parentheses (<c>((a))</c> is 2): more is no search a person types.</summary>
    public const int MaxDepth = 8;

    private readonly List<SearchToken> _tokens;
    private int _next;

    private SearchTextParser(List<SearchToken> tokens) => _tokens = tokens;

    /// <summary>Returns what <paramref name="q"/> searches for, or the reason it is malformed (naming the position).</summary>
    public static bool TryParse(string q, out SearchNode search, out string error)
    {
        search = null!;
        if (q.Length > MaxLength)
        {
            error = QueryStringRules.TooLong("q", q, MaxLength);
            return false;
        }

        // NUL is punctuation like any other, but neither FTS5 (it ends a string there) nor PostgreSQL (no NUL in text) takes it.
        q = q.Replace('\0', ' ');
        if (!SearchTokenizer.TryTokenize(q, out var tokens, out error))
        {
            return false;
        }

        if (!tokens.Any(t => t.Kind == SearchTokenKind.Term))
        {
            error = $"parameter 'q' has no word to search for (was '{q}')";
            return false;
        }

        if (tokens.Count(t => t.Kind == SearchTokenKind.Term) > MaxTerms)
        {
            error = $"parameter 'q' has more than {MaxTerms} words or phrases";
            return false;
        }

        try
        {
            var parser = new SearchTextParser(tokens);
            search = parser.Any(depth: 0);
            if (parser.Peek() is { } stray)
            {
                // Any stops only at the end, or at a ')' its groups did not take.
                throw Refused($"')' at position {stray.Position} closes no '('");
            }

            return true;
        }
        catch (SearchSyntaxException e)
        {
            error = e.Message;
            return false;
        }
    }

    private SearchNode Any(int depth)
    {
        var items = new List<SearchNode> { All(depth) };
        while (Peek() is { Kind: SearchTokenKind.Or } or)
        {
            _next++;
            if (Peek() is null or { Kind: SearchTokenKind.Or or SearchTokenKind.And or SearchTokenKind.Close })
            {
                throw Refused($"'OR' at position {or.Position} has nothing after it");
            }

            items.Add(All(depth));
        }

        return items.Count == 1 ? items[0] : new SearchAny(items);
    }

    private SearchNode All(int depth)
    {
        var items = new List<SearchNode>();
        var start = Peek();
        while (Peek() is { } token && token.Kind is not (SearchTokenKind.Or or SearchTokenKind.Close))
        {
            if (token.Kind == SearchTokenKind.And)
            {
                _next++;
                if (items.Count == 0)
                {
                    throw Refused($"'AND' at position {token.Position} has nothing before it");
                }

                if (Peek() is null or { Kind: SearchTokenKind.Or or SearchTokenKind.And or SearchTokenKind.Close })
                {
                    throw Refused($"'AND' at position {token.Position} has nothing after it");
                }

                continue;
            }

            items.Add(Unary(depth));
        }

        if (items.Count == 0)
        {
            throw start switch
            {
                { Kind: SearchTokenKind.Or } or => Refused($"'OR' at position {or.Position} has nothing before it"),
                { Kind: SearchTokenKind.Close } close => Refused($"')' at position {close.Position} closes no '('"),
                _ => Refused("a search ends where a word was expected"),
            };
        }

        if (items.All(i => i is SearchNot))
        {
            throw Refused($"the search at position {start!.Value.Position} only excludes (NOT, -): it needs a word to find beside what it excludes, e.g. 'timeout -retry'");
        }

        return SearchNode.AllOf(items)!;
    }

    private SearchNode Unary(int depth)
    {
        var token = _tokens[_next];
        if (token.Kind != SearchTokenKind.Not)
        {
            return Primary(depth);
        }

        _next++;
        if (Peek() is not { Kind: SearchTokenKind.Term or SearchTokenKind.Open })
        {
            throw Refused($"'{token.Text}' at position {token.Position} must be followed by a word, a phrase or a group in parentheses");
        }

        return new SearchNot(Primary(depth));
    }

    private SearchNode Primary(int depth)
    {
        var token = _tokens[_next++];
        if (token.Kind == SearchTokenKind.Term)
        {
            return new SearchTerm(token.Text);
        }

        // Unary leaves only terms and '(' here: All stops at OR and ')', and takes AND and NOT itself.
        if (Peek() is null)
        {
            throw Refused($"'(' at position {token.Position} is not closed");
        }

        if (depth == MaxDepth)
        {
            throw Refused($"'(' at position {token.Position} nests groups deeper than {MaxDepth}");
        }

        if (Peek() is { Kind: SearchTokenKind.Close })
        {
            throw Refused($"the group at position {token.Position} is empty");
        }

        var inner = Any(depth + 1);
        if (Peek() is not { Kind: SearchTokenKind.Close })
        {
            throw Refused($"'(' at position {token.Position} is not closed");
        }

        _next++;
        return inner;
    }

    private SearchToken? Peek() => _next < _tokens.Count ? _tokens[_next] : null;

    private static SearchSyntaxException Refused(string reason) => new("parameter 'q': " + reason);

    /// <summary>A malformed <c>q</c>, thrown out of the recursion and returned as the reason of a 400.</summary>
    private sealed class SearchSyntaxException(string message) : Exception(message);
}
