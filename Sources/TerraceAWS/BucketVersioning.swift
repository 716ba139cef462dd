/// The versioning state of an S3 bucket.
public enum BucketVersioning: String, Hashable, Sendable {
    /// Versioning was never enabled.
    case disabled
    /// Every write keeps the previous version.
    case enabled
    /// Versioning was enabled once, then suspended.
    case suspended
}
