/// One object of a bucket listing.
public struct S3ObjectSummary: Hashable, Sendable {
    /// The object's key.
    public var key: String
    /// Its size in bytes.
    public var size: Int
    /// Its entity tag, quotes included.
    public var eTag: String?

    /// Creates a summary.
    public init(key: String, size: Int, eTag: String? = nil) {
        self.key = key
        self.size = size
        self.eTag = eTag
    }
}
