import Foundation
import TerraceAWS
import TerraceCore

/// An EKS bearer token: `k8s-aws-v1.` + base64url (no padding) of a SigV4-presigned STS `GetCallerIdentity` URL
/// whose signed `x-k8s-aws-id` header names the cluster, as `aws eks get-token` makes it.
///
/// The URL expires 60 s after signing (`X-Amz-Expires=60`). The token is the secret itself: it is held as
/// ``SensitiveData`` and never shown.
public struct EKSToken: Sendable {
    /// The prefix every EKS token starts with.
    public static let prefix = "k8s-aws-v1."
    /// `X-Amz-Expires` of the presigned URL, in seconds.
    public static let urlLifetime = 60

    /// The bearer token.
    public let token: SensitiveData
    /// The presigned URL inside it (as secret as the token).
    public let presignedURL: SensitiveData
    /// When it was signed.
    public let signedAt: Date

    /// Signs a token.
    /// - Parameters:
    ///   - cluster: the EKS cluster's name (`x-k8s-aws-id`).
    ///   - region: the cluster's region; STS is called in it (`sts.<region>.amazonaws.com`).
    ///   - credentials: the AWS identity to authenticate as.
    ///   - date: the signing time.
    ///   - stsEndpoint: an endpoint override such as `http://127.0.0.1:5000` (a local AWS API); the regional STS
    ///     endpoint by default.
    /// - Throws: ``KubernetesError`` with code `configuration` when the endpoint override is not a URL.
    public init(
        cluster: String, region: String, credentials: AWSCredentials, date: Date, stsEndpoint: String? = nil
    ) throws(KubernetesError) {
        var scheme = "https"
        var host = "sts.\(region).amazonaws.com"
        var path = "/"
        if let stsEndpoint {
            guard let url = URLComponents(string: stsEndpoint), let parsedScheme = url.scheme?.lowercased(),
                parsedScheme == "https" || parsedScheme == "http", let parsedHost = url.host, !parsedHost.isEmpty
            else {
                throw KubernetesError(.configuration, "the STS endpoint `\(stsEndpoint)` is not an http(s) URL")
            }
            scheme = parsedScheme
            let defaultPort = parsedScheme == "https" ? 443 : 80
            host = url.port.map { $0 == defaultPort ? parsedHost : "\(parsedHost):\($0)" } ?? parsedHost
            if !url.path.isEmpty { path = url.path }
        }
        let signer = SigV4Signer(credentials: credentials, region: region, service: "sts")
        let url = signer.presignedURL(
            method: "GET", scheme: scheme, host: host, path: path,
            parameters: [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], headers: ["x-k8s-aws-id": cluster],
            expires: Self.urlLifetime, date: date)
        presignedURL = SensitiveData(url)
        token = SensitiveData(Self.prefix + Self.base64URL(Array(url.utf8)))
        signedAt = date
    }

    /// Base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
