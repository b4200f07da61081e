using System.Text.RegularExpressions;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// docs/ARCHITECTURE.md is the one-page map of the tree (a page's words at most): every file and folder it names exists, every type or member it
/// names is in the code, and every folder of src/ that holds code is on it (a folder of other files may be mapped by a
/// folder above it: Web/Assets' scripts, Otlp/Protos' .proto files).
/// </summary>
public sealed partial class ArchitectureMapTests
{
    private static readonly string Root = ChildProcess.RepositoryRoot;

    /// <summary>The repository's files, relative and with '/', without build outputs and installed packages.</summary>
    private static readonly string[] Files = [.. RepositoryFiles.Under()];

    private static readonly string[] Folders = [.. Files.SelectMany(Ancestors).Distinct(StringComparer.Ordinal)];

    /// <summary>What ARCHITECTURE.md writes as code (`…`), outside its fenced diagram.</summary>
    private static readonly string[] Named = [.. InlineCode().Matches(FencedBlock().Replace(
        File.ReadAllText(Path.Combine(Root, "docs", "ARCHITECTURE.md")).ReplaceLineEndings("\n"), string.Empty)).Select(m => m.Groups[1].Value)];

    [Fact]
    public void Architecture_EveryFileAndFolderItNames_Exists()
    {
        var missing = Named
            .SelectMany(code => code.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(word => word.Trim('(', ')', ',', ';'))
            .Where(IsPath)
            .Where(path => !Exists(path))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, "docs/ARCHITECTURE.md names what the tree does not have: " + string.Join(", ", missing));
    }

    [Fact]
    public void Architecture_EveryTypeItNames_IsInTheCode()
    {
        var code = string.Join('\n', Files.Where(f => f.EndsWith(".cs", StringComparison.Ordinal)).Select(f => File.ReadAllText(Path.Combine(Root, f))));
        var missing = Named
            .Where(name => Identifier().IsMatch(name))
            .Where(name => !Regex.IsMatch(code, @"\b" + name + @"\b"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, "docs/ARCHITECTURE.md names what no .cs file of the repository has: " + string.Join(", ", missing));
    }

    [Fact]
    public void Architecture_EverySourceFolderWithCode_IsMapped()
    {
        var folders = Named.Select(code => code.TrimEnd('/')).Where(code => code.Length > 0).ToList();
        bool IsNamed(string folder) => folders.Any(f => folder == f || folder.EndsWith("/" + f, StringComparison.Ordinal));
        var unmapped = Folders
            .Where(folder => folder.StartsWith("src/", StringComparison.Ordinal))
            .Where(folder => Files.Any(f => Path.GetDirectoryName(f)!.Replace('\\', '/') == folder))
            .Where(folder => Files.Any(f => f.StartsWith(folder + "/", StringComparison.Ordinal) && f.EndsWith(".cs", StringComparison.Ordinal) && !f[(folder.Length + 1)..].Contains('/'))
                ? !IsNamed(folder)
                : !Ancestors(folder + "/x").Any(a => a.Count(c => c == '/') >= 2 && IsNamed(a)))
            .ToList();

        Assert.True(unmapped.Count == 0, "src/ folders not on docs/ARCHITECTURE.md's map: " + string.Join(", ", unmapped));
    }

    [Fact]
    public void Architecture_IsOnePage()
    {
        // It had grown to ~1,900 words, each folder's row a paragraph: the long form is docs/INTERNALS.md.
        var words = File.ReadAllText(Path.Combine(Root, "docs", "ARCHITECTURE.md")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

        Assert.True(words <= MaxWords, $"docs/ARCHITECTURE.md is {words} words, more than a page ({MaxWords}): move the detail to docs/INTERNALS.md");
    }

    /// <summary>About a printed page of this map's tables.</summary>
    private const int MaxWords = 1000;

    /// <summary>A word that names a file or folder: a relative path, or a file name with its extension (a glob too).</summary>
    private static bool IsPath(string word) =>
        !word.StartsWith('/') && !word.Contains(':') && !word.Contains('{') && !word.Contains('=')
        && (word.Contains('/') || FileName().IsMatch(word));

    private static bool Exists(string path)
    {
        var target = path.TrimEnd('/');
        var pattern = new Regex("(^|/)" + Regex.Escape(target).Replace(@"\*", "[^/]*") + "(\\.cs)?$");
        return Files.Any(f => pattern.IsMatch(f)) || Folders.Any(f => pattern.IsMatch(f));
    }

    /// <summary>The folders above a relative path, nearest first.</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        for (var at = path.LastIndexOf('/'); at > 0; at = path.LastIndexOf('/', at - 1))
        {
            yield return path[..at];
        }
    }

    [GeneratedRegex(@"^```.*?^```\n?", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[\w.*-]+\.(cs|json|txt|md|props|sh|js|http|proto)$")]
    private static partial Regex FileName();
}
