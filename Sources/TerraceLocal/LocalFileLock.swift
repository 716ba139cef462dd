import Foundation
import TerraceCore

/// Locks infrastructures with lock files in a folder (`<folder>/<name>.lock`, created exclusively), for runs
/// that keep their state locally. The file holds the ``LockInfo`` of its holder.
public struct LocalFileLock: StateLock {
    /// The folder holding the lock files.
    public let directory: String
    /// Who takes the locks: `user@host (pid N)`.
    public let holder: String

    /// Creates a lock in `directory`.
    public init(directory: String, holder: String = LockInfo.currentHolder()) {
        self.directory = directory
        self.holder = holder
    }

    private func path(_ infrastructure: String) -> String { directory + "/" + infrastructure + ".lock" }

    public func acquire(infrastructure: String, operation: String, timeout: Double) async throws(LockError) -> LockInfo {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LockError(.unavailable, "cannot create the lock folder `\(directory)`")
        }
        let info = LockInfo(id: UUID().uuidString, infrastructure: infrastructure, holder: holder, operation: operation, createdAt: Date())
        guard let data = try? RecordCoding.encoder.encode(info) else { throw LockError(.unavailable, "cannot encode the lock") }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let descriptor = open(path(infrastructure), O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if descriptor >= 0 {
                _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                return info
            }
            guard errno == EEXIST else { throw LockError(.unavailable, "cannot create the lock file `\(path(infrastructure))`") }
            if Date() >= deadline {
                let current = read(infrastructure)
                throw LockError(
                    .held, holder: current,
                    current.map(LockError.heldMessage) ?? "infrastructure `\(infrastructure)` is locked (`\(path(infrastructure))`)")
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    public func release(_ lock: LockInfo) async throws(LockError) {
        guard read(lock.infrastructure)?.id == lock.id else { return }
        do {
            try FileManager.default.removeItem(atPath: path(lock.infrastructure))
        } catch {
            throw LockError(.unavailable, "cannot remove the lock file `\(path(lock.infrastructure))`")
        }
    }

    /// The current holder of `infrastructure`'s lock, if any.
    public func read(_ infrastructure: String) -> LockInfo? {
        guard let data = FileManager.default.contents(atPath: path(infrastructure)) else { return nil }
        return try? RecordCoding.decoder.decode(LockInfo.self, from: data)
    }
}
