/// Where an infrastructure's Terraform state and Terrace's record of it are kept.
public struct BackendSettings: Hashable, Sendable {
    /// The S3 bucket holding the state.
    public var bucket: String

    /// Creates backend settings.
    public init(bucket: String) {
        self.bucket = bucket
    }
}
