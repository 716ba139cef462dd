/// Where a cluster's API server is and how its TLS certificate is checked.
///
/// The server is trusted through ``certificateAuthority`` alone when it is given (the `kubernetes` unit's `ca_data`
/// output, or a kubeconfig's `certificate-authority-data`). Verification is skipped only when
/// ``insecureSkipTLSVerify`` is set, which only a kubeconfig saying so explicitly does.
public struct KubernetesEndpoint: Hashable, Sendable {
    /// The API server's URL without a trailing slash, `https://host:port` (a path prefix is kept).
    public var server: String
    /// The CA certificates to trust, PEM or DER bytes; nil trusts the system's roots.
    public var certificateAuthority: [UInt8]?
    /// Whether the server's certificate is not checked at all.
    public var insecureSkipTLSVerify: Bool
    /// The name the server's certificate is checked against instead of the URL's host.
    public var tlsServerName: String?

    /// Creates an endpoint.
    public init(
        server: String, certificateAuthority: [UInt8]? = nil, insecureSkipTLSVerify: Bool = false,
        tlsServerName: String? = nil
    ) {
        var trimmed = server
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.server = trimmed
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
    }

    /// The facts given to an exec plugin that asks for cluster info.
    public var clusterInfo: ExecCredentialPlugin.ClusterInfo {
        .init(
            server: server, certificateAuthorityData: certificateAuthority, insecureSkipTLSVerify: insecureSkipTLSVerify,
            tlsServerName: tlsServerName)
    }
}
