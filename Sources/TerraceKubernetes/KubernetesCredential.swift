import Foundation

/// What a request presents to the API server: a bearer token, a client certificate and key, or both.
///
/// Every part is ``SensitiveData``; its description never shows them.
public struct KubernetesCredential: Hashable, Sendable, CustomStringConvertible {
    /// The bearer token sent as `Authorization: Bearer …`.
    public var token: SensitiveData?
    /// The client certificate (PEM) presented in the TLS handshake.
    public var clientCertificate: SensitiveData?
    /// The client certificate's private key (PEM).
    public var clientKey: SensitiveData?
    /// When the credential stops working, when known.
    public var expiresAt: Date?

    /// Creates a credential.
    public init(
        token: SensitiveData? = nil, clientCertificate: SensitiveData? = nil, clientKey: SensitiveData? = nil,
        expiresAt: Date? = nil
    ) {
        self.token = token
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.expiresAt = expiresAt
    }

    /// No credential: anonymous requests.
    public static let anonymous = KubernetesCredential()

    /// Which parts are present, never their values: `KubernetesCredential(token, client certificate)`.
    public var description: String {
        var parts: [String] = []
        if token != nil { parts.append("token") }
        if clientCertificate != nil { parts.append("client certificate") }
        return "KubernetesCredential(" + (parts.isEmpty ? "anonymous" : parts.joined(separator: ", ")) + ")"
    }
}
