import Foundation
import TerraceCore

/// A kubeconfig file: the clusters, users and contexts it names, and its current context.
///
/// Read with ``KubeConfig/load(path:)`` at run time (the path belongs to the infrastructure's settings; the file is
/// never stored). Pick a context with ``KubeConfig/connection(context:)``. Relative file paths inside it
/// (`certificate-authority`, `client-key`, `tokenFile`, an exec `command` with a slash) are relative to the file's
/// folder, as kubectl reads them. Tokens, keys and client certificates are held as ``SensitiveData``.
public struct KubeConfig: Hashable, Sendable {
    /// A cluster entry: where the API server is and how to trust it.
    public struct Cluster: Hashable, Sendable {
        /// The entry's name.
        public var name: String
        /// The API server's URL, `https://host:port`.
        public var server: String
        /// `certificate-authority-data`, decoded from base64 (PEM or DER bytes).
        public var certificateAuthorityData: [UInt8]?
        /// `certificate-authority`: a file holding the CA, resolved against the kubeconfig's folder.
        public var certificateAuthorityFile: String?
        /// `insecure-skip-tls-verify`, true only when the file says `true` explicitly.
        public var insecureSkipTLSVerify: Bool
        /// `tls-server-name`: the name to verify the server's certificate against.
        public var tlsServerName: String?

        /// Creates a cluster entry.
        public init(
            name: String, server: String, certificateAuthorityData: [UInt8]? = nil, certificateAuthorityFile: String? = nil,
            insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil
        ) {
            self.name = name
            self.server = server
            self.certificateAuthorityData = certificateAuthorityData
            self.certificateAuthorityFile = certificateAuthorityFile
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
        }
    }

    /// A user entry: the credentials to present.
    public struct User: Hashable, Sendable {
        /// The entry's name.
        public var name: String
        /// `token`: a bearer token.
        public var token: SensitiveData?
        /// `tokenFile`: a file holding a bearer token, read each time one is needed.
        public var tokenFile: String?
        /// `client-certificate-data`, decoded (PEM).
        public var clientCertificateData: SensitiveData?
        /// `client-certificate`: a file holding the client certificate.
        public var clientCertificateFile: String?
        /// `client-key-data`, decoded (PEM).
        public var clientKeyData: SensitiveData?
        /// `client-key`: a file holding the client key.
        public var clientKeyFile: String?
        /// `exec`: a credential plugin.
        public var exec: ExecPluginConfig?

        /// Creates a user entry.
        public init(
            name: String, token: SensitiveData? = nil, tokenFile: String? = nil, clientCertificateData: SensitiveData? = nil,
            clientCertificateFile: String? = nil, clientKeyData: SensitiveData? = nil, clientKeyFile: String? = nil,
            exec: ExecPluginConfig? = nil
        ) {
            self.name = name
            self.token = token
            self.tokenFile = tokenFile
            self.clientCertificateData = clientCertificateData
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyData = clientKeyData
            self.clientKeyFile = clientKeyFile
            self.exec = exec
        }
    }

    /// A context: a cluster, a user and a default namespace.
    public struct Context: Hashable, Sendable {
        /// The context's name.
        public var name: String
        /// The cluster entry it uses.
        public var cluster: String
        /// The user entry it uses; empty for none.
        public var user: String
        /// Its default namespace.
        public var namespace: String?

        /// Creates a context.
        public init(name: String, cluster: String, user: String, namespace: String? = nil) {
            self.name = name
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    /// The file it was read from, for messages and relative paths.
    public var path: String
    /// The clusters, in file order.
    public var clusters: [Cluster]
    /// The users, in file order.
    public var users: [User]
    /// The contexts, in file order.
    public var contexts: [Context]
    /// `current-context`, when set.
    public var currentContext: String?

    /// Creates a kubeconfig from its parts.
    public init(path: String, clusters: [Cluster], users: [User], contexts: [Context], currentContext: String?) {
        self.path = path
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
    }

    /// Reads and parses the kubeconfig at `path` (a leading `~/` is the home folder).
    /// - Throws: ``KubernetesError`` with code `configuration` when the file cannot be read or is malformed.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(KubernetesError) -> KubeConfig
    {
        let expanded = expandHome(path, environment: environment)
        guard let data = FileManager.default.contents(atPath: expanded) else {
            throw KubernetesError(
                .configuration, "cannot read the kubeconfig \(expanded)",
                hint: "check `kubeconfig:` in the infrastructure's `kubernetes.existing` settings")
        }
        return try KubeConfig(parsing: String(decoding: data, as: UTF8.self), path: expanded)
    }

    /// The kubeconfig's folder, which relative paths inside it are relative to.
    public var directory: String {
        (path as NSString).deletingLastPathComponent
    }

    /// `file` made absolute against the kubeconfig's folder.
    public func resolvePath(_ file: String) -> String {
        if file.hasPrefix("/") { return file }
        let folder = directory
        return folder.isEmpty ? file : folder + "/" + file
    }

    static func expandHome(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
