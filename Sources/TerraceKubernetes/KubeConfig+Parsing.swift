import Foundation
import Yams
import TerraceCore

extension KubeConfig {
    /// Parses a kubeconfig's YAML text.
    /// - Parameter path: the file it came from, for messages and relative paths.
    /// - Throws: ``KubernetesError`` with code `configuration`, naming the file, line and column.
    public init(parsing text: String, path: String) throws(KubernetesError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw KubernetesError(.configuration, "the kubeconfig \(path) is not valid YAML", hint: "check it with `kubectl config view --kubeconfig \(path)`")
        }
        let reader = Reader(path: path)
        guard let root, let top = root.mapping else {
            throw KubernetesError(.configuration, "the kubeconfig \(path) is empty or not a mapping")
        }
        var clusters: [Cluster] = []
        for (name, body, node) in try reader.namedEntries(top, "clusters", inner: "cluster") {
            clusters.append(try reader.cluster(name: name, body, at: node))
        }
        var users: [User] = []
        for (name, body, node) in try reader.namedEntries(top, "users", inner: "user") {
            users.append(try reader.user(name: name, body, at: node))
        }
        var contexts: [Context] = []
        for (name, body, node) in try reader.namedEntries(top, "contexts", inner: "context") {
            guard let cluster = try reader.string(body, "cluster"), !cluster.isEmpty else {
                throw reader.error(at: node, "context `\(name)` names no cluster")
            }
            contexts.append(
                Context(
                    name: name, cluster: cluster, user: try reader.string(body, "user") ?? "",
                    namespace: try reader.string(body, "namespace").flatMap { $0.isEmpty ? nil : $0 }))
        }
        let current = try reader.string(top, "current-context").flatMap { $0.isEmpty ? nil : $0 }
        self.init(path: path, clusters: clusters, users: users, contexts: contexts, currentContext: current)
    }

    /// Reads typed fields out of YAML nodes, with `file:line:column` errors.
    private struct Reader {
        let path: String

        func error(at node: Node?, _ message: String) -> KubernetesError {
            let place = node?.mark.map { "\(path):\($0.line):\($0.column)" } ?? path
            return KubernetesError(.configuration, "\(place): \(message)")
        }

        func string(_ mapping: Node.Mapping, _ key: String) throws(KubernetesError) -> String? {
            guard let node = mapping[key] else { return nil }
            if node.null != nil, node.scalar?.style == .plain { return nil }
            guard let scalar = node.scalar else { throw error(at: node, "`\(key)` must be a string") }
            return scalar.string
        }

        func bool(_ mapping: Node.Mapping, _ key: String) throws(KubernetesError) -> Bool? {
            guard let node = mapping[key] else { return nil }
            guard let flag = node.bool else { throw error(at: node, "`\(key)` must be true or false") }
            return flag
        }

        func base64(_ mapping: Node.Mapping, _ key: String) throws(KubernetesError) -> [UInt8]? {
            guard let text = try string(mapping, key), !text.isEmpty else { return nil }
            let compact = text.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact) else {
                throw error(at: mapping[key], "`\(key)` is not valid base64")
            }
            return Array(data)
        }

        /// The `{name: N, <inner>: {...}}` entries of a top-level list.
        func namedEntries(_ top: Node.Mapping, _ key: String, inner: String) throws(KubernetesError)
            -> [(String, Node.Mapping, Node)]
        {
            guard let list = top[key] else { return [] }
            if list.null != nil { return [] }
            guard let items = list.sequence else { throw error(at: list, "`\(key)` must be a list") }
            var result: [(String, Node.Mapping, Node)] = []
            for item in items {
                guard let entry = item.mapping else { throw error(at: item, "each of `\(key)` must be a mapping") }
                guard let name = try string(entry, "name"), !name.isEmpty else {
                    throw error(at: item, "an entry of `\(key)` has no name")
                }
                guard let bodyNode = entry[inner], let body = bodyNode.mapping else {
                    throw error(at: item, "`\(name)` in `\(key)` has no `\(inner)` mapping")
                }
                if result.contains(where: { $0.0 == name }) {
                    throw error(at: item, "`\(name)` appears twice in `\(key)`")
                }
                result.append((name, body, item))
            }
            return result
        }

        func cluster(name: String, _ body: Node.Mapping, at node: Node) throws(KubernetesError) -> Cluster {
            guard let server = try string(body, "server"), !server.isEmpty else {
                throw error(at: node, "cluster `\(name)` has no `server`")
            }
            return Cluster(
                name: name, server: server, certificateAuthorityData: try base64(body, "certificate-authority-data"),
                certificateAuthorityFile: try string(body, "certificate-authority").flatMap { $0.isEmpty ? nil : $0 },
                insecureSkipTLSVerify: try bool(body, "insecure-skip-tls-verify") == true,
                tlsServerName: try string(body, "tls-server-name").flatMap { $0.isEmpty ? nil : $0 })
        }

        func user(name: String, _ body: Node.Mapping, at node: Node) throws(KubernetesError) -> User {
            for unsupported in ["auth-provider", "username", "password"] where body[unsupported] != nil {
                throw error(
                    at: body[unsupported],
                    "user `\(name)` uses `\(unsupported)`, which Terrace does not support; use a token, a client certificate or an `exec` plugin")
            }
            var user = User(name: name)
            user.token = try string(body, "token").flatMap { $0.isEmpty ? nil : SensitiveData($0) }
            user.tokenFile = try string(body, "tokenFile").flatMap { $0.isEmpty ? nil : $0 }
            user.clientCertificateData = try base64(body, "client-certificate-data").map(SensitiveData.init)
            user.clientCertificateFile = try string(body, "client-certificate").flatMap { $0.isEmpty ? nil : $0 }
            user.clientKeyData = try base64(body, "client-key-data").map(SensitiveData.init)
            user.clientKeyFile = try string(body, "client-key").flatMap { $0.isEmpty ? nil : $0 }
            if let execNode = body["exec"], execNode.null == nil {
                guard let exec = execNode.mapping else { throw error(at: execNode, "`exec` must be a mapping") }
                user.exec = try execConfig(user: name, exec, at: execNode)
            }
            return user
        }

        func execConfig(user: String, _ exec: Node.Mapping, at node: Node) throws(KubernetesError) -> ExecPluginConfig {
            let versionText = try string(exec, "apiVersion") ?? ""
            guard let version = ExecPluginConfig.APIVersion(rawValue: versionText) else {
                let known = ExecPluginConfig.APIVersion.allCases.map(\.rawValue).joined(separator: ", ")
                throw error(
                    at: exec["apiVersion"] ?? node,
                    "user `\(user)`'s exec plugin has apiVersion `\(versionText)`; Terrace speaks \(known)")
            }
            guard let command = try string(exec, "command"), !command.isEmpty else {
                throw error(at: node, "user `\(user)`'s exec plugin has no `command`")
            }
            var args: [String] = []
            if let argsNode = exec["args"], argsNode.null == nil {
                guard let items = argsNode.sequence else { throw error(at: argsNode, "`args` must be a list") }
                for item in items {
                    guard let text = item.scalar?.string else { throw error(at: item, "each of `args` must be a string") }
                    args.append(text)
                }
            }
            var env: [ExecPluginConfig.EnvVar] = []
            if let envNode = exec["env"], envNode.null == nil {
                guard let items = envNode.sequence else { throw error(at: envNode, "`env` must be a list") }
                for item in items {
                    guard let entry = item.mapping, let name = try string(entry, "name"), !name.isEmpty else {
                        throw error(at: item, "each of `env` needs a `name` and a `value`")
                    }
                    env.append(.init(name: name, value: try string(entry, "value") ?? ""))
                }
            }
            return ExecPluginConfig(
                apiVersion: version, command: command, args: args, env: env,
                provideClusterInfo: try bool(exec, "provideClusterInfo") ?? false,
                interactiveMode: try string(exec, "interactiveMode"), installHint: try string(exec, "installHint"))
        }
    }
}
