namespace ThreadedLogging.Collector.Query;

/// <summary>The kinds of <see cref="SearchToken"/>.</summary>
internal enum SearchTokenKind
{
    Term,
    Or,
    And,
    Not,
    Open,
    Close,
}

/// <summary>A token of <c>q</c>: a term (its text as <see cref="Storage.SearchTerm"/> takes it) or an operator, at a 1-based position.</summary>
internal readonly record struct SearchToken(SearchTokenKind Kind, int Position, string Text = "");

/// <summary>
/// Splits <c>q</c> into terms and operators (docs/QUERY.md, "q"). Operators: <c>OR</c>, <c>AND</c>, <c>NOT</c> in capitals
/// as whole words (lower case they are words: <c>or</c>, <c>not</c> are common in messages); <c>-</c> before a word, a
/// quote or a parenthesis (<c>x-ray</c>, <c>--verbose</c> and <c>- </c> stay words or punctuation); <c>(</c> that begins a
/// word and <c>)</c> that ends one, except a <c>)</c> that closes a <c>(</c> inside the same word (<c>foo(bar)</c> is
/// the phrase <c>foo bar</c>, as before).
/// </summary>
internal static class SearchTokenizer
{
    /// <summary>The tokens of <paramref name="q"/>, or the reason it is malformed (a quote not closed, a misplaced <c>*</c>, a prefix too short).</summary>
    public static bool TryTokenize(string q, out List<SearchToken> tokens, out string error)
    {
        tokens = [];
        error = string.Empty;
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '(' or ')')
            {
                tokens.Add(new SearchToken(c == '(' ? SearchTokenKind.Open : SearchTokenKind.Close, i + 1));
                i++;
                continue;
            }

            if (c == '-' && i + 1 < q.Length && (char.IsLetterOrDigit(q[i + 1]) || q[i + 1] is '"' or '('))
            {
                tokens.Add(new SearchToken(SearchTokenKind.Not, i + 1, "-"));
                i++;
                continue;
            }

            var start = i;
            string text;
            var quoted = c == '"';
            if (quoted)
            {
                var close = q.IndexOf('"', i + 1);
                if (close < 0)
                {
                    error = $"parameter 'q' has a quote that is not closed at position {i + 1} (phrases are \"in quotes\")";
                    return false;
                }

                text = q[(i + 1)..close];
                i = close + 1;
            }
            else
            {
                var inner = 0;
                while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] != '"' && q[i] != '*' && !(q[i] == ')' && inner == 0))
                {
                    inner += q[i] switch { '(' => 1, ')' => -1, _ => 0 };
                    i++;
                }

                text = q[start..i];
            }

            var prefix = i < q.Length && q[i] == '*';
            if (prefix)
            {
                i++;
                if (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] != ')')
                {
                    error = $"parameter 'q': '*' marks a prefix and must end a word or phrase (at position {i})";
                    return false;
                }
            }

            if (!quoted && !prefix && text is "OR" or "AND" or "NOT")
            {
                tokens.Add(new SearchToken(text switch { "OR" => SearchTokenKind.Or, "AND" => SearchTokenKind.And, _ => SearchTokenKind.Not }, start + 1, text));
                continue;
            }

            var letters = CountLettersOrDigits(text, out var lastToken);
            if (letters == 0)
            {
                if (prefix)
                {
                    error = "parameter 'q': '*' must follow a word (e.g. inv*)";
                    return false;
                }

                continue; // punctuation alone matches no word
            }

            if (prefix && lastToken < 2)
            {
                error = $"parameter 'q': a prefix needs at least 2 letters or digits (was '{text}*')";
                return false;
            }

            tokens.Add(new SearchToken(SearchTokenKind.Term, start + 1, prefix ? text + "*" : text));
        }

        return true;
    }

    /// <summary>Counts letters and digits, and the length of the last run of them (the token a prefix applies to).</summary>
    private static int CountLettersOrDigits(string text, out int lastToken)
    {
        var count = 0;
        lastToken = 0;
        var previousWasWord = false;
        foreach (var c in text)
        {
            var word = char.IsLetterOrDigit(c);
            if (word)
            {
                count++;
                lastToken = previousWasWord ? lastToken + 1 : 1;
            }

            previousWasWord = word;
        }

        return count;
    }
}
