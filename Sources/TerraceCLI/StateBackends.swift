import Foundation
import TerraceAWS
import TerraceCore
import TerraceLocal

/// Where each infrastructure's record and lock live: in its own S3 state bucket (the default, so every machine
/// sees the same truth), or in a local folder when `--state-dir` is given.
struct StateBackends: Sendable {
    /// The local folder, when state is kept locally.
    let localDirectory: String?
    private let clients: [String: S3Client]

    /// The record of one infrastructure (nil when it was never applied), read from its state bucket or the local
    /// folder.
    static func record(of infrastructure: Infrastructure, localDirectory: String?) async throws -> InfrastructureRecord? {
        try await with(localDirectory: localDirectory, infrastructures: [infrastructure]) { backends in
            try await backends.records([infrastructure])[infrastructure.name]
        }
    }

    /// Runs `body` with backends for `infrastructures`; S3 clients are shut down afterwards.
    static func with<T>(
        localDirectory: String?, infrastructures: [Infrastructure], _ body: (StateBackends) async throws -> T
    ) async throws -> T {
        guard localDirectory == nil else {
            return try await body(StateBackends(localDirectory: localDirectory, clients: [:]))
        }
        let credentials: AWSCredentials
        do {
            credentials = try AWSCredentials.resolve()
        } catch {
            throw CommandFailure("AWS credentials: \(error.message)")
        }
        var clients: [String: S3Client] = [:]
        for infrastructure in infrastructures where clients[key(infrastructure.cloud)] == nil {
            clients[key(infrastructure.cloud)] = S3Client(
                region: infrastructure.cloud.region, endpoint: infrastructure.cloud.endpoint, credentials: credentials)
        }
        let backends = StateBackends(localDirectory: nil, clients: clients)
        do {
            let result = try await body(backends)
            await backends.shutdown()
            return result
        } catch {
            await backends.shutdown()
            throw error
        }
    }

    private static func key(_ cloud: CloudSettings) -> String { cloud.region + "|" + (cloud.endpoint ?? "") }

    private func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
    }

    private func client(_ infrastructure: Infrastructure) -> S3Client? { clients[Self.key(infrastructure.cloud)] }

    /// The record store of `infrastructure`.
    func store(for infrastructure: Infrastructure) -> any StateStore {
        if let localDirectory { return LocalDirectoryStateStore(directory: localDirectory) }
        guard let client = client(infrastructure) else { return InMemoryStateStore() }
        return S3StateStore(client: client, backend: infrastructure.backend)
    }

    /// The lock of `infrastructure`.
    func lock(for infrastructure: Infrastructure) -> any StateLock {
        if let localDirectory { return LocalFileLock(directory: localDirectory + "/locks") }
        guard let client = client(infrastructure) else { return InMemoryStateLock() }
        return S3StateLock(client: client, bucket: infrastructure.backend.bucket)
    }

    /// Creates the state bucket (versioned) when it does not exist.
    func prepare(_ infrastructure: Infrastructure) async throws {
        guard localDirectory == nil, let client = client(infrastructure) else { return }
        do {
            try await S3StateStore(client: client, backend: infrastructure.backend).ensureBucket()
        } catch {
            throw CommandFailure("cannot prepare the state bucket `\(infrastructure.backend.bucket)`: \(error.message)")
        }
    }

    /// Whether the state bucket exists (always true for local state).
    func bucketExists(_ infrastructure: Infrastructure) async -> Bool {
        guard localDirectory == nil, let client = client(infrastructure) else { return true }
        return (try? await client.headBucket(infrastructure.backend.bucket)) ?? false
    }

    /// The records of `infrastructures`, by name; an infrastructure whose state bucket does not exist yet has none.
    func records(_ infrastructures: [Infrastructure]) async throws -> [String: InfrastructureRecord] {
        var existing: [Infrastructure] = []
        for infrastructure in infrastructures where await bucketExists(infrastructure) { existing.append(infrastructure) }
        return try await loadRecords(existing)
    }

    /// The records of `infrastructures`, whose state buckets are known to exist, by name.
    func loadRecords(_ infrastructures: [Infrastructure]) async throws -> [String: InfrastructureRecord] {
        var records: [String: InfrastructureRecord] = [:]
        for infrastructure in infrastructures {
            do {
                records[infrastructure.name] = try await store(for: infrastructure).load(infrastructure: infrastructure.name)
            } catch {
                throw CommandFailure(error.message)
            }
        }
        return records
    }
}

/// A command failed with a message safe to show; exits with code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
