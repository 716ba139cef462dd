import Crypto
import Foundation

extension S3Client {
    /// Whether `bucket` exists and these credentials may use it (HeadBucket).
    /// - Throws: ``AWSError`` `accessDenied` when it exists but belongs to someone else or may not be read.
    public func headBucket(_ bucket: String) async throws(AWSError) -> Bool {
        do {
            _ = try await send("HeadBucket", method: "HEAD", bucket: bucket)
            return true
        } catch where error.code == .notFound {
            return false
        }
    }

    /// Creates `bucket` in ``region`` (CreateBucket, with a `LocationConstraint` outside `us-east-1`).
    /// - Throws: ``AWSError`` `conflict` when the name is taken (`BucketAlreadyExists`) or already yours
    ///   (`BucketAlreadyOwnedByYou`, outside `us-east-1`).
    public func createBucket(_ bucket: String) async throws(AWSError) {
        var body: [UInt8] = []
        if region != "us-east-1" {
            body = Array(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                    + "<LocationConstraint>\(S3XML.escape(region))</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        _ = try await send(
            "CreateBucket", method: "PUT", bucket: bucket, headers: body.isEmpty ? [:] : Self.xmlHeaders(body), body: body)
    }

    /// Switches versioning of `bucket` on, or suspends it (PutBucketVersioning).
    public func putBucketVersioning(_ bucket: String, enabled: Bool) async throws(AWSError) {
        let body = Array(
            ("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Status>\(enabled ? "Enabled" : "Suspended")</Status></VersioningConfiguration>").utf8)
        _ = try await send(
            "PutBucketVersioning", method: "PUT", bucket: bucket, query: ["versioning": ""],
            headers: Self.xmlHeaders(body), body: body)
    }

    /// The versioning state of `bucket` (GetBucketVersioning).
    public func getBucketVersioning(_ bucket: String) async throws(AWSError) -> BucketVersioning {
        let response = try await send("GetBucketVersioning", method: "GET", bucket: bucket, query: ["versioning": ""])
        switch S3XML(response.body).value("Status") {
        case nil, "": return .disabled
        case "Enabled": return .enabled
        case "Suspended": return .suspended
        case let other?:
            throw AWSError(
                .invalidResponse,
                "S3 GetBucketVersioning on s3://\(bucket) answered an unknown status `\(AWSError.oneLine(other))`")
        }
    }

    /// Makes sure `bucket` exists with versioning enabled: creates it when missing, enables versioning when it is
    /// off or suspended, and leaves everything else of an existing bucket as it is. Safe to call again.
    public func ensureVersionedBucket(_ bucket: String) async throws(AWSError) {
        if try await !headBucket(bucket) {
            do {
                try await createBucket(bucket)
            } catch where error.serviceCode == "BucketAlreadyOwnedByYou" {
                // Created meanwhile by another run of ours: fine.
            }
        }
        if try await getBucketVersioning(bucket) != .enabled {
            try await putBucketVersioning(bucket, enabled: true)
        }
    }

    /// `Content-Type` and `Content-MD5` for an XML configuration body (some bucket APIs require the digest).
    static func xmlHeaders(_ body: [UInt8]) -> [String: String] {
        ["content-type": "application/xml", "content-md5": Data(Insecure.MD5.hash(data: body)).base64EncodedString()]
    }
}
