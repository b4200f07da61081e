namespace ThreadedLogging.Collector.Storage;

/// <summary>
/// A retention run ended with the free-space reserve unmet and nothing left to remove that would help (no event left, or
/// the filesystem's room for the WALs short: deletes free pages inside the files, not the filesystem's): the room it
/// last measured.
/// </summary>
/// <param name="FreeBytes">The data folder's free bytes.</param>
/// <param name="ReusableBytes">The pages free inside the store's files.</param>
/// <param name="MinFreeBytes">The reserve (<see cref="RetentionOptions.MinFreeBytes"/>).</param>
/// <param name="WalFileBytes">What the two WAL files hold already (each up to its budget).</param>
/// <param name="WalRoomBytes">The room both WALs may take between checkpoints (<see cref="Sqlite.DiskReserve.WalRoomBytes"/>).</param>
internal sealed record ReserveShortfall(long FreeBytes, long ReusableBytes, long MinFreeBytes, long WalFileBytes, long WalRoomBytes);
