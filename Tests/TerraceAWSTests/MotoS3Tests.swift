import Foundation
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceAWS

/// S3 calls against moto's server on loopback; every test starts its own server and stops it.
@Suite(.serialized) struct MotoS3Tests {
    static let credentials = AWSCredentials(accessKeyId: "test", secretAccessKey: "test")
    static let retry = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)

    /// Runs `body` with a fresh moto server and a client for it, stopping both afterwards.
    private func withMoto<T>(region: String = "us-east-1", _ body: (S3Client) async throws -> T) async throws -> T {
        try await MotoServer.with { server in
            try await S3Client.withS3Client(
                region: region, endpoint: server.endpoint, credentials: Self.credentials, retry: Self.retry, body)
        }
    }

    @Test func ensureBucketCreatesAVersionedBucketAndIsIdempotent() async throws {
        try await withMoto(region: "eu-west-1") { s3 in
            let store = S3StateStore(client: s3, bucket: "terrace-state-eu")
            #expect(try await s3.headBucket("terrace-state-eu") == false)
            try await store.ensureBucket()
            #expect(try await s3.headBucket("terrace-state-eu"))
            #expect(try await s3.getBucketVersioning("terrace-state-eu") == .enabled)
            try await store.ensureBucket()
            #expect(try await s3.getBucketVersioning("terrace-state-eu") == .enabled)

            // An existing bucket without versioning keeps its objects and gets versioning switched on.
            try await s3.createBucket("plain-bucket")
            try await s3.putObject(bucket: "plain-bucket", key: "keep.txt", body: Array("kept".utf8))
            #expect(try await s3.getBucketVersioning("plain-bucket") == .disabled)
            try await S3StateStore(client: s3, bucket: "plain-bucket").ensureBucket()
            #expect(try await s3.getBucketVersioning("plain-bucket") == .enabled)
            #expect(try await s3.getObject(bucket: "plain-bucket", key: "keep.txt")?.body == Array("kept".utf8))

            // Creating a bucket twice outside us-east-1 is a conflict, which ensureBucket tolerates.
            await #expect {
                try await s3.createBucket("plain-bucket")
            } throws: { error in
                (error as? AWSError)?.code == .conflict && (error as? AWSError)?.serviceCode == "BucketAlreadyOwnedByYou"
            }
            try await s3.putBucketVersioning("plain-bucket", enabled: false)
            #expect(try await s3.getBucketVersioning("plain-bucket") == .suspended)
        }
    }

    @Test func objectsRoundTrip() async throws {
        try await withMoto { s3 in
            try await S3StateStore(client: s3, bucket: "objects-bucket").ensureBucket()
            let keys = ["a/one.json", "a/two words+plus.json", "a/été=&.json", "b/three.json"]
            for (index, key) in keys.enumerated() {
                try await s3.putObject(bucket: "objects-bucket", key: key, body: Array("body \(index)".utf8), contentType: "application/json")
            }
            for (index, key) in keys.enumerated() {
                #expect(try await s3.getObject(bucket: "objects-bucket", key: key)?.body == Array("body \(index)".utf8))
            }
            #expect(try await s3.getObject(bucket: "objects-bucket", key: "a/missing.json") == nil)
            let listed = try await s3.listObjects(bucket: "objects-bucket", prefix: "a/").map(\.key)
            #expect(listed == keys.filter { $0.hasPrefix("a/") }.sorted())
            #expect(try await s3.listObjects(bucket: "objects-bucket").count == 4)

            // A conditional write fails on an existing key and succeeds on a new one.
            await #expect {
                try await s3.putObject(bucket: "objects-bucket", key: "a/one.json", body: [], ifNoneMatch: "*")
            } throws: { error in
                (error as? AWSError)?.code == .preconditionFailed && (error as? AWSError)?.status == 412
            }
            #expect(try await s3.getObject(bucket: "objects-bucket", key: "a/one.json")?.body == Array("body 0".utf8))
            try await s3.putObject(bucket: "objects-bucket", key: "a/new.json", body: [7], ifNoneMatch: "*")
            #expect(try await s3.getObject(bucket: "objects-bucket", key: "a/new.json")?.body == [7])

            try await s3.deleteObject(bucket: "objects-bucket", key: "a/one.json")
            try await s3.deleteObject(bucket: "objects-bucket", key: "a/never-there.json")
            #expect(try await s3.getObject(bucket: "objects-bucket", key: "a/one.json") == nil)
            #expect(try await s3.listObjects(bucket: "objects-bucket", prefix: "a/").map(\.key).contains("a/one.json") == false)

            await #expect {
                try await s3.getObject(bucket: "no-such-bucket", key: "k")
            } throws: { error in
                (error as? AWSError)?.code == .notFound && (error as? AWSError)?.serviceCode == "NoSuchBucket"
            }
        }
    }

    @Test func stateStoreRoundTrip() async throws {
        try await withMoto { s3 in
            let store = S3StateStore(client: s3, backend: BackendSettings(bucket: "records-bucket"))
            try await store.ensureBucket()
            #expect(try await store.load(infrastructure: "dev") == nil)
            #expect(try await store.infrastructures() == [])

            let unit = UnitRecord(
                digest: "d1", moduleDigest: "m1", settingsDigest: "s1", inputDigests: ["cidr": "c1"],
                outputs: [
                    "vpc_id": "vpc-123", "count": 3, "ratio": 0.5, "enabled": true, "nothing": .null,
                    "subnets": ["subnet-a", "subnet-b"],
                    "nested": ["tags": ["env": "dev", "owners": ["a", "b"]], "ports": [80, 443]],
                ],
                sensitiveOutputs: ["password"], dependsOn: ["network"], module: "aws/vpc",
                appliedAt: Date(timeIntervalSince1970: 1_795_240_800), revision: "abc123")
            let dev = InfrastructureRecord(infrastructure: "dev", units: ["vpc": unit])
            let prod = InfrastructureRecord(infrastructure: "prod")
            try await store.save(dev)
            try await store.save(prod)
            #expect(try await store.load(infrastructure: "dev") == dev)
            #expect(try await store.load(infrastructure: "prod") == prod)

            // Other objects under terrace/ are not records.
            try await s3.putObject(bucket: "records-bucket", key: "terrace/dev/terrace.lock", body: [])
            try await s3.putObject(bucket: "records-bucket", key: "terrace/a/b/record.json", body: [])
            try await s3.putObject(bucket: "records-bucket", key: "dev.tfstate", body: [])
            #expect(try await store.infrastructures() == ["dev", "prod"])

            // Stored as sorted, pretty JSON with ISO-8601 dates.
            let stored = try #require(try await s3.getObject(bucket: "records-bucket", key: "terrace/dev/record.json"))
            let text = String(decoding: stored.body, as: UTF8.self)
            #expect(text.contains("\"appliedAt\" : \"2026-11-21T06:00:00Z\""))
            let formatVersion = try #require(text.range(of: "\"formatVersion\""))
            let infrastructure = try #require(text.range(of: "\"infrastructure\""))
            #expect(formatVersion.lowerBound < infrastructure.lowerBound)

            try await store.remove(infrastructure: "prod")
            try await store.remove(infrastructure: "prod")
            #expect(try await store.load(infrastructure: "prod") == nil)
            #expect(try await store.infrastructures() == ["dev"])

            try await s3.putObject(bucket: "records-bucket", key: "terrace/broken/record.json", body: Array("{".utf8))
            await #expect {
                try await store.load(infrastructure: "broken")
            } throws: { error in
                (error as? StateStoreError)?.code == .corrupt
            }

            // A store whose bucket is missing has no records, and cannot save.
            let missing = S3StateStore(client: s3, bucket: "missing-bucket")
            #expect(try await missing.infrastructures() == [])
            await #expect {
                try await missing.save(prod)
            } throws: { error in
                (error as? StateStoreError)?.code == .unwritable
            }
        }
    }

    @Test func lockExcludesAndIsReleased() async throws {
        try await withMoto { s3 in
            try await S3StateStore(client: s3, bucket: "lock-bucket").ensureBucket()
            let first = S3StateLock(client: s3, bucket: "lock-bucket", holder: "root@host (pid 42)", pollInterval: 0.1)
            let second = S3StateLock(client: s3, bucket: "lock-bucket", holder: "ci@runner (pid 7)", pollInterval: 0.1)
            let held = try await first.acquire(infrastructure: "dev", operation: "apply", timeout: 0)
            #expect(held.holder == "root@host (pid 42)")
            #expect(held.infrastructure == "dev")

            let since = held.createdAt.formatted(Date.ISO8601FormatStyle())
            await #expect(
                throws: LockError(
                    .held, holder: held, "infrastructure `dev` is locked by root@host (pid 42) for apply since \(since)")
            ) {
                try await second.acquire(infrastructure: "dev", operation: "destroy", timeout: 0)
            }
            // Other infrastructures are not affected.
            let staging = try await second.acquire(infrastructure: "staging", operation: "apply", timeout: 0)

            // Releasing with a stale holding leaves the current lock alone.
            var stale = held
            stale.id = "someone-else"
            try await first.release(stale)
            #expect(try await first.read(infrastructure: "dev") == held)

            try await first.release(held)
            #expect(try await first.read(infrastructure: "dev") == nil)
            try await first.release(held)

            let taken = try await second.acquire(infrastructure: "dev", operation: "destroy", timeout: 0)
            #expect(taken.holder == "ci@runner (pid 7)")
            #expect(try await second.read(infrastructure: "dev") == taken)
            try await second.release(taken)
            try await second.release(staging)
        }
    }

    @Test func acquireWaitsForARelease() async throws {
        try await withMoto { s3 in
            try await S3StateStore(client: s3, bucket: "wait-bucket").ensureBucket()
            let first = S3StateLock(client: s3, bucket: "wait-bucket", holder: "root@host (pid 42)", pollInterval: 0.1)
            let second = S3StateLock(client: s3, bucket: "wait-bucket", holder: "ci@runner (pid 7)", pollInterval: 0.1)
            let held = try await first.acquire(infrastructure: "dev", operation: "apply", timeout: 0)

            // Too short a wait fails after about the timeout.
            let start = Date()
            await #expect {
                try await second.acquire(infrastructure: "dev", operation: "apply", timeout: 0.3)
            } throws: { error in
                (error as? LockError)?.code == .held && (error as? LockError)?.holder == held
            }
            #expect(Date().timeIntervalSince(start) >= 0.3)

            let releaser = Task {
                try await Task.sleep(nanoseconds: 700_000_000)
                try await first.release(held)
            }
            let waited = Date()
            let taken = try await second.acquire(infrastructure: "dev", operation: "apply", timeout: 20)
            #expect(Date().timeIntervalSince(waited) >= 0.5)
            #expect(taken.holder == "ci@runner (pid 7)")
            try await releaser.value
            try await second.release(taken)
            #expect(try await second.read(infrastructure: "dev") == nil)
        }
    }
}
