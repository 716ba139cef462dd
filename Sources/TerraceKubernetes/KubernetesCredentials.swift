import Foundation
import TerraceCore

/// Where a client's credentials come from: a fixed token or client certificate, a token file, an `exec` plugin,
/// or an EKS token signed with AWS credentials.
///
/// ``current()`` gives the credential to use now; ``invalidate()`` drops a cached one after the server answered 401,
/// so the next request gets a fresh one.
public struct KubernetesCredentials: Sendable, CustomStringConvertible {
    enum Source: Sendable {
        case fixed(KubernetesCredential)
        case tokenFile(String, certificate: SensitiveData?, key: SensitiveData?)
        case exec(ExecCredentialPlugin, certificate: SensitiveData?, key: SensitiveData?)
        case eks(EKSTokenProvider)
    }

    let source: Source

    init(source: Source) { self.source = source }

    /// Anonymous requests.
    public static let anonymous = KubernetesCredentials(source: .fixed(.anonymous))

    /// A fixed credential: a token, a client certificate and key, or both.
    public static func fixed(_ credential: KubernetesCredential) -> KubernetesCredentials {
        KubernetesCredentials(source: .fixed(credential))
    }

    /// A bearer token.
    public static func token(_ token: SensitiveData) -> KubernetesCredentials {
        .fixed(KubernetesCredential(token: token))
    }

    /// A token read from `path` each time (so a rotated file is picked up), with an optional client certificate.
    public static func tokenFile(_ path: String, clientCertificate: SensitiveData? = nil, clientKey: SensitiveData? = nil)
        -> KubernetesCredentials
    {
        KubernetesCredentials(source: .tokenFile(path, certificate: clientCertificate, key: clientKey))
    }

    /// An exec plugin's credential, with a kubeconfig's client certificate when the plugin gives only a token.
    public static func exec(
        _ plugin: ExecCredentialPlugin, clientCertificate: SensitiveData? = nil, clientKey: SensitiveData? = nil
    ) -> KubernetesCredentials {
        KubernetesCredentials(source: .exec(plugin, certificate: clientCertificate, key: clientKey))
    }

    /// EKS tokens for a cluster Terrace made.
    public static func eks(_ provider: EKSTokenProvider) -> KubernetesCredentials {
        KubernetesCredentials(source: .eks(provider))
    }

    /// The credential to present now.
    /// - Throws: ``KubernetesError`` with code `credentials`.
    public func current() async throws(KubernetesError) -> KubernetesCredential {
        switch source {
        case .fixed(let credential):
            return credential
        case .tokenFile(let path, let certificate, let key):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubernetesError(.credentials, "cannot read the token file \(path)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw KubernetesError(.credentials, "the token file \(path) is empty") }
            return KubernetesCredential(token: SensitiveData(token), clientCertificate: certificate, clientKey: key)
        case .exec(let plugin, let certificate, let key):
            var credential = try await plugin.credential()
            if credential.clientCertificate == nil, let certificate, let key {
                credential.clientCertificate = certificate
                credential.clientKey = key
            }
            return credential
        case .eks(let provider):
            return KubernetesCredential(token: try await provider.token(), expiresAt: nil)
        }
    }

    /// Whether ``invalidate()`` can yield a different credential (an exec plugin or an EKS token).
    public var isRenewable: Bool {
        switch source {
        case .fixed: false
        case .tokenFile, .exec, .eks: true
        }
    }

    /// Drops any cached credential.
    public func invalidate() async {
        switch source {
        case .fixed, .tokenFile: break
        case .exec(let plugin, _, _): await plugin.invalidate()
        case .eks(let provider): await provider.invalidate()
        }
    }

    /// The kind of source, never a secret: `token`, `exec plugin aws`, `EKS token for prod`.
    public var description: String {
        switch source {
        case .fixed(let credential):
            if credential.token != nil { return "token" }
            return credential.clientCertificate != nil ? "client certificate" : "anonymous"
        case .tokenFile(let path, _, _): return "token file \(path)"
        case .exec(let plugin, _, _): return "exec plugin \(plugin.config.displayName)"
        case .eks(let provider): return "EKS token for \(provider.cluster)"
        }
    }
}
