
namespace ThreadedLogging.Collector.Query;

/// <summary>
/// Reads <c>q</c> (docs/QUERY.md): words that must all occur, in the message or the exception;
/// <c>"a phrase"</c> whose words occur in that order; <c>word*</c> or <c>"a phr"*</c> as a prefix.
/// Case is ignored and punctuation separates words (<c>System.IO.IOException</c> is the phrase
/// <c>system io ioexception</c>). Nothing else is syntax: no OR, NOT, NEAR or columns.
/// </summary>
internal static class SearchTextParser
{
    public const int MaxTerms = 16;
    public const int MaxLength = 1000;

    /// <summary>Returns the terms of <paramref name="q"/> (each a phrase; a prefix ends in <c>*</c>), or the reason it is malformed.</summary>
    public static bool TryParse(string q, out List<string> terms, out string error)
    {
        terms = [];
        error = string.Empty;
        if (q.Length > MaxLength)
        {
            error = QueryStringRules.TooLong("q", q, MaxLength);
            return false;
        }

        // NUL is punctuation like any other, but neither FTS5 (it ends a string there) nor PostgreSQL (no NUL in text) takes it.
        q = q.Replace('\0', ' ');
        var i = 0;
        while (i < q.Length)
        {
            if (char.IsWhiteSpace(q[i]))
            {
                i++;
                continue;
            }

            string text;
            if (q[i] == '"')
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
                var start = i;
                while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] != '"' && q[i] != '*')
                {
                    i++;
                }

                text = q[start..i];
            }

            var prefix = i < q.Length && q[i] == '*';
            if (prefix)
            {
                i++;
                if (i < q.Length && !char.IsWhiteSpace(q[i]))
                {
                    error = $"parameter 'q': '*' marks a prefix and must end a word or phrase (at position {i})";
                    return false;
                }
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

            terms.Add(prefix ? text + "*" : text);
        }

        if (terms.Count == 0)
        {
            error = $"parameter 'q' has no word to search for (was '{q}')";
            return false;
        }

        if (terms.Count > MaxTerms)
        {
            error = $"parameter 'q' has more than {MaxTerms} words or phrases";
            return false;
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
