import Foundation
import TerraceAWS
import TerraceCore

/// Hands out EKS tokens for one cluster, signing a new one shortly before the current one expires.
///
/// Tokens are cheap to sign (no network call), so one is kept only while more than ``refreshMargin`` of its
/// ``lifetime`` is left. AWS credentials are resolved again for each new token, so rotated keys are picked up.
public actor EKSTokenProvider {
    /// The cluster's name.
    public nonisolated let cluster: String
    /// The cluster's region.
    public nonisolated let region: String
    /// How long a token is used: the presigned URL's 60 s.
    public let lifetime: TimeInterval
    /// How long before the end of ``lifetime`` a new token is signed.
    public let refreshMargin: TimeInterval
    private let stsEndpoint: String?
    private let credentials: @Sendable () throws(AWSError) -> AWSCredentials
    private let now: @Sendable () -> Date
    private var current: EKSToken?

    /// How many tokens have been signed; for tests and metrics.
    public private(set) var signed = 0

    /// Creates a provider.
    /// - Parameters:
    ///   - credentials: resolves the AWS identity; ``AWSCredentials/resolve(environment:homeDirectory:)`` by default.
    ///   - stsEndpoint: an STS endpoint override (a local AWS API).
    ///   - now: the clock, for tests.
    public init(
        cluster: String, region: String, stsEndpoint: String? = nil, lifetime: TimeInterval = 60,
        refreshMargin: TimeInterval = 15,
        credentials: @escaping @Sendable () throws(AWSError) -> AWSCredentials = { () throws(AWSError) in
            try AWSCredentials.resolve()
        },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.cluster = cluster
        self.region = region
        self.stsEndpoint = stsEndpoint
        self.lifetime = lifetime
        self.refreshMargin = refreshMargin
        self.credentials = credentials
        self.now = now
    }

    /// The token to send now.
    /// - Throws: ``KubernetesError`` with code `credentials` when no AWS credentials are found.
    public func token() throws(KubernetesError) -> SensitiveData {
        let time = now()
        if let current, time < current.signedAt.addingTimeInterval(lifetime - refreshMargin), time >= current.signedAt {
            return current.token
        }
        let identity: AWSCredentials
        do {
            identity = try credentials()
        } catch {
            throw KubernetesError(
                .credentials, "cannot sign an EKS token for cluster `\(cluster)`: \(error.message)",
                hint: "set AWS credentials for the identity that has access to the cluster")
        }
        let fresh = try EKSToken(cluster: cluster, region: region, credentials: identity, date: time, stsEndpoint: stsEndpoint)
        current = fresh
        signed += 1
        return fresh.token
    }

    /// Forgets the current token.
    public func invalidate() {
        current = nil
    }
}
