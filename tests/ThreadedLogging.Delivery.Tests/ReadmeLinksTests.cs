using System.Text.RegularExpressions;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// The links of the repository's Markdown lead somewhere: a link to a section (<c>#anchor</c>, as GitHub makes it from
/// the heading) names a heading of its file, and a link to a file names one of the tree; and README's contents line,
/// the first thing an adopting team reads, links every section of README.
/// </summary>
public sealed partial class ReadmeLinksTests
{
    private static readonly string Root = ChildProcess.RepositoryRoot;

    [Fact]
    public void Docs_EveryLinkInTheRepositorysMarkdown_LeadsToAHeadingOrAFile()
    {
        var broken = new List<string>();
        foreach (var file in RepositoryFiles.Under().Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            foreach (Match link in Link().Matches(Prose(file)))
            {
                var target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var linked = path.Length == 0 ? file : Path.GetRelativePath(Root, Path.GetFullPath(Path.Combine(Root, Path.GetDirectoryName(file)!, path))).Replace('\\', '/');
                if (!File.Exists(Path.Combine(Root, linked)) && !Directory.Exists(Path.Combine(Root, linked)))
                {
                    broken.Add($"{file}: ({target}) names no file of the tree");
                }
                else if (hash >= 0 && linked.EndsWith(".md", StringComparison.Ordinal) && !Anchors(linked).Contains(target[(hash + 1)..]))
                {
                    broken.Add($"{file}: ({target}) names no heading of {linked}");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void Readme_ContentsLine_LinksEverySection()
    {
        var prose = Prose("README.md");
        var contents = prose.Split('\n').SkipWhile(line => !line.StartsWith("Contents:", StringComparison.Ordinal)).TakeWhile(line => line.Length > 0);
        var listed = Link().Matches(string.Join('\n', contents)).Select(m => m.Groups["target"].Value.TrimStart('#')).ToHashSet(StringComparer.Ordinal);
        var sections = Headings(prose).Where(h => h.Level is 2 or 3).Select(h => h.Anchor).ToList();

        Assert.NotEmpty(listed);
        var missing = sections.Where(anchor => !listed.Contains(anchor)).ToList();
        Assert.True(missing.Count == 0, "README's contents line does not link these sections: " + string.Join(", ", missing));
    }

    /// <summary>A Markdown file's text without its fenced blocks (a <c>#</c> there is a comment, a <c>[x](y)</c> code).</summary>
    private static string Prose(string file) =>
        FencedBlock().Replace(File.ReadAllText(Path.Combine(Root, file)).ReplaceLineEndings("\n"), string.Empty);

    private static HashSet<string> Anchors(string file) => [.. Headings(Prose(file)).Select(h => h.Anchor)];

    /// <summary>
    /// The headings and the anchors GitHub gives them: the text without its Markdown (code marks, a link's target),
    /// lower-cased, every character but letters, digits, '_', '-' and spaces left out, spaces made '-'; a repeated
    /// anchor gets <c>-1</c>, <c>-2</c>…
    /// </summary>
    private static IEnumerable<(int Level, string Anchor)> Headings(string prose)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(prose))
        {
            var text = LinkInText().Replace(heading.Groups["text"].Value, "${text}").Replace("`", string.Empty, StringComparison.Ordinal);
            var anchor = NotInAnchor().Replace(text.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-');
            var count = seen.GetValueOrDefault(anchor);
            seen[anchor] = count + 1;
            yield return (heading.Groups["marks"].Length, count == 0 ? anchor : $"{anchor}-{count}");
        }
    }

    [GeneratedRegex(@"^```.*?^```\n?", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkInText();

    [GeneratedRegex(@"^(?<marks>#{1,6})[ \t]+(?<text>.+?)[ \t#]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Mn}\p{Nd}_ -]")]
    private static partial Regex NotInAnchor();
}
