import Foundation
import TerraceCore

extension KubeConfig {
    /// The context named `name`, or the current context when `name` is nil.
    /// - Throws: ``KubernetesError`` with code `configuration`, naming the file, listing its contexts and suggesting
    ///   the closest name.
    public func context(named name: String?) throws(KubernetesError) -> Context {
        let names = contexts.map(\.name)
        let listing = names.isEmpty ? "it has no contexts" : "its contexts: " + names.joined(separator: ", ")
        guard let wanted = name ?? currentContext else {
            throw KubernetesError(
                .configuration, "the kubeconfig \(path) has no current-context and none was chosen",
                hint: "set `context:` (\(listing))")
        }
        if let found = contexts.first(where: { $0.name == wanted }) { return found }
        let suggestion = Suggestions.closest(to: wanted, in: names).map { "did you mean `\($0)`? " } ?? ""
        throw KubernetesError(
            .configuration, "the kubeconfig \(path) has no context `\(wanted)`", hint: suggestion + "(\(listing))")
    }

    /// The endpoint, credentials and namespace of a context (the current one when `name` is nil).
    ///
    /// Reads the files the context refers to (CA, client certificate and key) now; a token file is read at each use.
    /// - Parameters:
    ///   - refreshMargin: how long before expiry an exec plugin's credential is renewed.
    /// - Throws: ``KubernetesError`` with code `configuration`.
    public func connection(context name: String? = nil, refreshMargin: TimeInterval = 30) throws(KubernetesError)
        -> KubernetesConnection
    {
        let context = try context(named: name)
        guard let cluster = clusters.first(where: { $0.name == context.cluster }) else {
            throw KubernetesError(
                .configuration,
                "context `\(context.name)` in the kubeconfig \(path) names cluster `\(context.cluster)`, which it does not define",
                hint: clusters.isEmpty ? nil : "its clusters: " + clusters.map(\.name).joined(separator: ", "))
        }
        guard let server = URLComponents(string: cluster.server), let scheme = server.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = server.host, !host.isEmpty
        else {
            throw KubernetesError(
                .configuration, "cluster `\(cluster.name)` in the kubeconfig \(path) has server `\(cluster.server)`, which is not an https URL")
        }
        var ca = cluster.certificateAuthorityData
        if ca == nil, let file = cluster.certificateAuthorityFile {
            ca = try readFile(file, what: "certificate-authority of cluster `\(cluster.name)`")
        }
        let endpoint = KubernetesEndpoint(
            server: cluster.server, certificateAuthority: ca, insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName)
        let credentials: KubernetesCredentials
        if context.user.isEmpty {
            credentials = .anonymous
        } else {
            guard let user = users.first(where: { $0.name == context.user }) else {
                throw KubernetesError(
                    .configuration,
                    "context `\(context.name)` in the kubeconfig \(path) names user `\(context.user)`, which it does not define",
                    hint: users.isEmpty ? nil : "its users: " + users.map(\.name).joined(separator: ", "))
            }
            credentials = try self.credentials(of: user, endpoint: endpoint, refreshMargin: refreshMargin)
        }
        return KubernetesConnection(
            endpoint: endpoint, credentials: credentials, namespace: context.namespace, context: context.name)
    }

    private func credentials(of user: User, endpoint: KubernetesEndpoint, refreshMargin: TimeInterval)
        throws(KubernetesError) -> KubernetesCredentials
    {
        var certificate = user.clientCertificateData
        if certificate == nil, let file = user.clientCertificateFile {
            certificate = SensitiveData(try readFile(file, what: "client-certificate of user `\(user.name)`"))
        }
        var key = user.clientKeyData
        if key == nil, let file = user.clientKeyFile {
            key = SensitiveData(try readFile(file, what: "client-key of user `\(user.name)`"))
        }
        if (certificate == nil) != (key == nil) {
            throw KubernetesError(
                .configuration,
                "user `\(user.name)` in the kubeconfig \(path) has a client \(certificate == nil ? "key" : "certificate") without its \(certificate == nil ? "certificate" : "key")"
            )
        }
        if let exec = user.exec {
            if exec.interactiveMode == "Always" {
                throw KubernetesError(
                    .configuration,
                    "user `\(user.name)`'s exec plugin `\(exec.displayName)` needs a terminal (interactiveMode: Always), which Terrace never gives",
                    hint: "use a plugin mode that works without a terminal")
            }
            let plugin = ExecCredentialPlugin(
                config: exec, cluster: endpoint.clusterInfo, baseDirectory: directory, refreshMargin: refreshMargin)
            return .exec(plugin, clientCertificate: certificate, clientKey: key)
        }
        if let token = user.token {
            return .fixed(KubernetesCredential(token: token, clientCertificate: certificate, clientKey: key))
        }
        if let file = user.tokenFile {
            return .tokenFile(resolvePath(file), clientCertificate: certificate, clientKey: key)
        }
        return .fixed(KubernetesCredential(clientCertificate: certificate, clientKey: key))
    }

    private func readFile(_ file: String, what: String) throws(KubernetesError) -> [UInt8] {
        let full = resolvePath(file)
        guard let data = FileManager.default.contents(atPath: full) else {
            throw KubernetesError(.configuration, "cannot read \(full), the \(what) in the kubeconfig \(path)")
        }
        return Array(data)
    }
}
