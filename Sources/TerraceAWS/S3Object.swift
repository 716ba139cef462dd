/// An object read from S3.
public struct S3Object: Hashable, Sendable {
    /// The object's bytes.
    public var body: [UInt8]
    /// The entity tag, quotes included, when S3 sent one.
    public var eTag: String?
    /// The version id in a versioned bucket.
    public var versionId: String?

    /// Creates an object.
    public init(body: [UInt8], eTag: String? = nil, versionId: String? = nil) {
        self.body = body
        self.eTag = eTag
        self.versionId = versionId
    }
}
