import Foundation
import TerraceCore

/// Locks an infrastructure with an object in its state bucket, `terrace/<infrastructure>/terrace.lock`.
///
/// The lock is taken by a conditional write (`If-None-Match: *`), which S3 lets only one writer win; its body is
/// the ``LockInfo`` as JSON. Release reads the object back and deletes it only while it is still this holding.
public struct S3StateLock: StateLock {
    /// The client reaching S3.
    public let client: S3Client
    /// The state bucket.
    public let bucket: String
    /// Who takes the lock: `user@host (pid N)`.
    public let holder: String
    /// Seconds between two tries while another run holds the lock.
    public let pollInterval: Double

    /// Creates a lock in `bucket`.
    /// - Parameters:
    ///   - holder: how the holder is shown; this process's `user@host (pid N)` by default.
    ///   - pollInterval: seconds between tries while waiting.
    public init(client: S3Client, bucket: String, holder: String = LockInfo.currentHolder(), pollInterval: Double = 1) {
        self.client = client
        self.bucket = bucket
        self.holder = holder
        self.pollInterval = max(0.01, pollInterval)
    }

    /// The key of the lock object of `infrastructure`.
    public static func lockKey(_ infrastructure: String) -> String {
        "terrace/\(infrastructure)/terrace.lock"
    }

    public func acquire(infrastructure: String, operation: String, timeout: Double) async throws(LockError) -> LockInfo {
        let now = Date()
        let info = LockInfo(
            id: UUID().uuidString.lowercased(), infrastructure: infrastructure, holder: holder, operation: operation,
            createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
        let body: [UInt8]
        do {
            body = Array(try RecordCoding.encoder.encode(info))
        } catch {
            throw LockError(.unavailable, "cannot encode the lock of infrastructure `\(infrastructure)`")
        }
        let key = Self.lockKey(infrastructure)
        let deadline = now.addingTimeInterval(max(0, timeout))
        var freeRetries = 3
        while true {
            do {
                try await client.putObject(
                    bucket: bucket, key: key, body: body, contentType: "application/json", ifNoneMatch: "*")
                return info
            } catch where error.code == .preconditionFailed {
                // Held: find out by whom, below.
            } catch {
                throw LockError(.unavailable, "cannot lock infrastructure `\(infrastructure)`: \(error.message)")
            }
            let current = try await read(infrastructure: infrastructure)
            if let current, current.id == info.id {
                // Our own write won, but its answer was lost and the retry hit our lock.
                return info
            }
            if current == nil && freeRetries > 0 {
                // Released between the write and the read: try again at once.
                freeRetries -= 1
                continue
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                throw Self.heldError(infrastructure: infrastructure, holder: current)
            }
            do {
                try await Task.sleep(nanoseconds: UInt64(min(pollInterval, remaining) * 1_000_000_000))
            } catch {
                throw LockError(.unavailable, "stopped waiting for the lock of infrastructure `\(infrastructure)`")
            }
        }
    }

    /// Deletes the lock object when it still holds `lock` (same id). A lock already gone, or taken over by
    /// another holding meanwhile, is left alone.
    public func release(_ lock: LockInfo) async throws(LockError) {
        guard let current = try await read(infrastructure: lock.infrastructure), current.id == lock.id else { return }
        do {
            try await client.deleteObject(bucket: bucket, key: Self.lockKey(lock.infrastructure))
        } catch {
            throw LockError(.unavailable, "cannot unlock infrastructure `\(lock.infrastructure)`: \(error.message)")
        }
    }

    /// The current holding of the lock of `infrastructure`, or nil when it is free. A lock object that is not
    /// valid JSON counts as held by an unknown holder.
    public func read(infrastructure: String) async throws(LockError) -> LockInfo? {
        let object: S3Object?
        do {
            object = try await client.getObject(bucket: bucket, key: Self.lockKey(infrastructure))
        } catch {
            throw LockError(.unavailable, "cannot read the lock of infrastructure `\(infrastructure)`: \(error.message)")
        }
        guard let object else { return nil }
        do {
            return try RecordCoding.decoder.decode(LockInfo.self, from: Data(object.body))
        } catch {
            return LockInfo(
                id: "", infrastructure: infrastructure, holder: "an unknown holder", operation: "unknown",
                createdAt: Date(timeIntervalSince1970: 0))
        }
    }

    /// `LockError(.held)` naming the holder and since when.
    static func heldError(infrastructure: String, holder: LockInfo?) -> LockError {
        guard let holder else {
            return LockError(.held, "infrastructure `\(infrastructure)` is locked")
        }
        return LockError(.held, holder: holder, LockError.heldMessage(holder))
    }
}
