import Foundation
import TerraceCore

/// Keeps Terrace's records in an infrastructure's state bucket, at `terrace/<infrastructure>/record.json`.
///
/// The records are JSON with sorted keys and ISO-8601 dates, like the local store's. ``ensureBucket()`` creates the
/// bucket, versioned, before the first save.
public struct S3StateStore: StateStore {
    /// The client reaching S3.
    public let client: S3Client
    /// The state bucket.
    public let bucket: String

    /// Creates a store keeping records in `bucket`.
    public init(client: S3Client, bucket: String) {
        self.client = client
        self.bucket = bucket
    }

    /// Creates a store keeping records in the backend's bucket.
    public init(client: S3Client, backend: BackendSettings) {
        self.init(client: client, bucket: backend.bucket)
    }

    /// The key of the record of `infrastructure`.
    public static func recordKey(_ infrastructure: String) -> String {
        "terrace/\(infrastructure)/record.json"
    }

    /// Creates the bucket with versioning enabled when it does not exist; switches versioning on when it is off.
    /// Leaves an existing bucket otherwise untouched; safe to call again.
    public func ensureBucket() async throws(AWSError) {
        try await client.ensureVersionedBucket(bucket)
    }

    public func load(infrastructure: String) async throws(StateStoreError) -> InfrastructureRecord? {
        let key = Self.recordKey(infrastructure)
        let object: S3Object?
        do {
            object = try await client.getObject(bucket: bucket, key: key)
        } catch {
            throw StateStoreError(.unreadable, "cannot read the state record of `\(infrastructure)`: \(error.message)")
        }
        guard let object else { return nil }
        do {
            return try RecordCoding.decoder.decode(InfrastructureRecord.self, from: Data(object.body))
        } catch {
            throw StateStoreError(.corrupt, "the state record s3://\(bucket)/\(key) is not valid: \(RecordCoding.describe(error))")
        }
    }

    public func save(_ record: InfrastructureRecord) async throws(StateStoreError) {
        let data: Data
        do {
            data = try RecordCoding.encoder.encode(record)
        } catch {
            throw StateStoreError(.unwritable, "cannot encode the state record of `\(record.infrastructure)`")
        }
        do {
            try await client.putObject(
                bucket: bucket, key: Self.recordKey(record.infrastructure), body: Array(data), contentType: "application/json")
        } catch {
            throw StateStoreError(.unwritable, "cannot write the state record of `\(record.infrastructure)`: \(error.message)")
        }
    }

    /// The key of a file kept for people beside the record, such as `terrace/<infrastructure>/kubeconfig`.
    public static func artifactKey(_ infrastructure: String, _ name: String) -> String {
        "terrace/\(infrastructure)/\(name)"
    }

    public func saveArtifact(infrastructure: String, name: String, contents: [UInt8]) async throws(StateStoreError) {
        do {
            try await client.putObject(
                bucket: bucket, key: Self.artifactKey(infrastructure, name), body: contents, contentType: "application/yaml")
        } catch {
            throw StateStoreError(.unwritable, "cannot write `\(name)` of `\(infrastructure)`: \(error.message)")
        }
    }

    public func removeArtifact(infrastructure: String, name: String) async throws(StateStoreError) {
        do {
            try await client.deleteObject(bucket: bucket, key: Self.artifactKey(infrastructure, name))
        } catch where error.code == .notFound {
            // Nothing to remove.
        } catch {
            throw StateStoreError(.unwritable, "cannot remove `\(name)` of `\(infrastructure)`: \(error.message)")
        }
    }

    public func remove(infrastructure: String) async throws(StateStoreError) {
        do {
            try await client.deleteObject(bucket: bucket, key: Self.recordKey(infrastructure))
        } catch where error.code == .notFound && error.serviceCode != "NoSuchBucket" {
            // Nothing to remove.
        } catch {
            throw StateStoreError(.unwritable, "cannot remove the state record of `\(infrastructure)`: \(error.message)")
        }
    }

    public func infrastructures() async throws(StateStoreError) -> [String] {
        let objects: [S3ObjectSummary]
        do {
            objects = try await client.listObjects(bucket: bucket, prefix: "terrace/")
        } catch where error.serviceCode == "NoSuchBucket" {
            return []
        } catch {
            throw StateStoreError(.unreadable, "cannot list the state records in s3://\(bucket): \(error.message)")
        }
        let suffix = "/record.json"
        let names = objects.compactMap { object -> String? in
            guard object.key.hasSuffix(suffix) else { return nil }
            let name = object.key.dropFirst("terrace/".count).dropLast(suffix.count)
            return name.isEmpty || name.contains("/") ? nil : String(name)
        }
        return Array(Set(names)).sorted()
    }

    public func unitsWithState(infrastructure: String) async throws(StateStoreError) -> [String] {
        let prefix = infrastructure + "/"
        do {
            return try await client.listObjects(bucket: bucket, prefix: prefix).compactMap { object in
                let rest = object.key.dropFirst(prefix.count)
                guard rest.hasSuffix("/terraform.tfstate") else { return nil }
                let unit = rest.dropLast("/terraform.tfstate".count)
                return unit.isEmpty || unit.contains("/") ? nil : String(unit)
            }.sorted()
        } catch {
            throw StateStoreError(.unreadable, "cannot list the Terraform state of `\(infrastructure)`: \(error.message)")
        }
    }

    public func removeUnitState(infrastructure: String, unit: String) async throws(StateStoreError) {
        do {
            try await client.deleteObject(bucket: bucket, key: "\(infrastructure)/\(unit)/terraform.tfstate")
        } catch {
            throw StateStoreError(.unwritable, "cannot remove the Terraform state of `\(infrastructure)/\(unit)`: \(error.message)")
        }
    }
}
