/// The cloud an infrastructure lives in: provider, region and an optional single API endpoint.
public struct CloudSettings: Hashable, Sendable {
    /// The cloud provider; `aws` is the only one so far.
    public var provider: String
    /// The region, e.g. `eu-west-1`.
    public var region: String
    /// An URL every API call is sent to instead of the provider's own endpoints (for emulators).
    public var endpoint: String?

    /// Creates cloud settings.
    public init(provider: String = "aws", region: String, endpoint: String? = nil) {
        self.provider = provider
        self.region = region
        self.endpoint = endpoint
    }
}
