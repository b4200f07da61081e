using System.Text.RegularExpressions;
using ThreadedLogging.Delivery.Tests.Support;

namespace ThreadedLogging.Delivery.Tests;

/// <summary>
/// Every C# block of the READMEs is code the build compiles: its lines, one after another (each trimmed, blank ones
/// left out), are in a .cs file of samples/ or tests/ (the sample app, the FaultClient, <see cref="ReadmeCode"/>).
/// </summary>
public sealed partial class ReadmeCodeTests
{
    private static readonly string Root = ChildProcess.RepositoryRoot;

    [Theory]
    [InlineData("README.md")]
    [InlineData("src/ThreadedLogging/README.md")]
    [InlineData("src/ThreadedLogging.Aws/README.md")]
    public void Readme_EveryCSharpBlock_IsInACompiledFile(string readme)
    {
        var code = new[] { "samples", "tests" }
            .SelectMany(folder => RepositoryFiles.Under(folder))
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal))
            .Select(file => Lines(File.ReadAllText(Path.Combine(Root, file))))
            .ToList();
        var blocks = CSharpBlock().Matches(File.ReadAllText(Path.Combine(Root, readme)).ReplaceLineEndings("\n"))
            .Select(m => m.Groups["code"].Value)
            .ToList();

        Assert.NotEmpty(blocks);
        var missing = blocks.Where(block => !code.Any(file => Holds(file, Lines(block)))).ToList();
        Assert.True(missing.Count == 0, $"{readme}'s C# not in any compiled file of samples/ or tests/:\n" + string.Join("\n---\n", missing));
    }

    private static string[] Lines(string text) =>
        [.. text.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];

    /// <summary>Whether <paramref name="lines"/> are in <paramref name="file"/>, one after another.</summary>
    private static bool Holds(string[] file, string[] lines)
    {
        for (var start = 0; start + lines.Length <= file.Length; start++)
        {
            if (file.AsSpan(start, lines.Length).SequenceEqual(lines))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A fenced C# block, also indented in a list item.</summary>
    [GeneratedRegex(@"^[ \t]*```csharp\n(?<code>.*?)^[ \t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
