import Foundation
import Logging
import TerraceCore

/// Deletes the runs a ``RunRetention`` does not keep, from the status store and their log folders
/// (`<data>/logs/<run id>`) from disk.
public struct RunPruner: Sendable {
    /// How often the service prunes.
    public static let interval: Duration = .seconds(3600)

    /// The status store.
    public let store: any ServiceStore
    /// What is kept.
    public let retention: RunRetention
    /// The folder of the runs' log folders; nil: no log files.
    public let logRoot: String?
    let logger: Logger

    /// Creates a pruner.
    public init(store: any ServiceStore, retention: RunRetention, logRoot: String?, logger: Logger) {
        self.store = store
        self.retention = retention
        self.logRoot = logRoot
        self.logger = logger
    }

    /// Prunes now; returns the ids of the runs deleted (none when the store cannot be reached: tried again later).
    @discardableResult
    public func prune(now: Date = Date()) async -> [String] {
        guard retention.isEnabled else { return [] }
        let pruned: [String]
        do {
            pruned = try await store.pruneRuns(retention, now: now)
        } catch {
            logger.warning("terrace serve: cannot prune old runs: \(error.message)")
            return []
        }
        if let logRoot {
            for id in pruned where Self.isSafeFolderName(id) {
                try? FileManager.default.removeItem(atPath: logRoot + "/" + id)
            }
        }
        if !pruned.isEmpty { logger.info("terrace serve: pruned \(pruned.count) old run\(pruned.count == 1 ? "" : "s") and their logs") }
        return pruned
    }

    /// Whether `id` names a folder directly below the log root (no `/`, not `.` or `..`).
    static func isSafeFolderName(_ id: String) -> Bool {
        !id.isEmpty && id != "." && id != ".." && !id.contains("/")
    }
}
