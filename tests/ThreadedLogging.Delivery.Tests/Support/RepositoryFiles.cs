namespace ThreadedLogging.Delivery.Tests.Support;

/// <summary>The repository's own files, for the tests that hold the docs to the tree.</summary>
public static class RepositoryFiles
{
    /// <summary>Folders that are no part of the tree: build outputs, installed packages, git's own, test results.</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "bin", "obj", "node_modules", ".git", "TestResults" };

    /// <summary>Neither followed (a worktree's tools/sqs/node_modules is a link) nor fatal when unreadable (a test's leftover folder of another user).</summary>
    private static readonly EnumerationOptions Options = new() { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };

    /// <summary>Lists the files under <paramref name="folder"/> (relative to the repository's root), relative and with '/'.</summary>
    public static IEnumerable<string> Under(string folder = "")
    {
        var root = ChildProcess.RepositoryRoot;
        return Walk(Path.Combine(root, folder)).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'));
    }

    private static IEnumerable<string> Walk(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", Options))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(folder, "*", Options))
        {
            if (!Skipped.Contains(Path.GetFileName(child)))
            {
                foreach (var file in Walk(child))
                {
                    yield return file;
                }
            }
        }
    }
}
