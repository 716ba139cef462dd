import Foundation
import Yams

/// A kubeconfig for a cluster Terrace made, holding no credential: the user authenticates through an `exec` plugin
/// (`aws eks get-token`), so the file is safe to print, store and share.
public struct ClusterKubeconfig: Hashable, Sendable {
    /// The name of the cluster, user and context entries: the infrastructure's name.
    public var name: String
    /// The EKS cluster's name.
    public var clusterName: String
    /// The API server URL (the `kubernetes` unit's `endpoint`).
    public var server: String
    /// The cluster CA, base64 (the `kubernetes` unit's `ca_data`).
    public var certificateAuthorityData: String
    /// The AWS region of the cluster.
    public var region: String

    /// Creates a kubeconfig description.
    public init(name: String, clusterName: String, server: String, certificateAuthorityData: String, region: String) {
        self.name = name
        self.clusterName = clusterName
        self.server = server
        self.certificateAuthorityData = certificateAuthorityData
        self.region = region
    }

    /// The kubeconfig of `infrastructure`'s cluster from the `kubernetes` unit's recorded outputs; nil when that unit
    /// has not been applied (or its outputs lack the endpoint, CA or name).
    public init?(infrastructure: Infrastructure, record: InfrastructureRecord?) {
        guard let outputs = record?.units["kubernetes"]?.outputs,
            case .string(let server)? = outputs["endpoint"], case .string(let ca)? = outputs["ca_data"],
            case .string(let cluster)? = outputs["cluster_name"]
        else { return nil }
        self.init(
            name: infrastructure.name, clusterName: cluster, server: server, certificateAuthorityData: ca,
            region: infrastructure.cloud.region)
    }

    /// The cluster, context and user entries, and the exec plugin that gets a token.
    var entries: (cluster: [String: Any], context: [String: Any], user: [String: Any]) {
        let cluster: [String: Any] = [
            "name": name, "cluster": ["server": server, "certificate-authority-data": certificateAuthorityData],
        ]
        let context: [String: Any] = ["name": name, "context": ["cluster": name, "user": name]]
        let exec: [String: Any] = [
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "aws",
            "args": ["--region", region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
            "interactiveMode": "Never",
        ]
        return (cluster, context, ["name": name, "user": ["exec": exec]])
    }

    /// The kubeconfig as YAML, with this cluster as the current context.
    public func yaml() throws -> String {
        let (cluster, context, user) = entries
        let document: [String: Any] = [
            "apiVersion": "v1", "kind": "Config", "clusters": [cluster], "contexts": [context], "users": [user],
            "current-context": name, "preferences": [String: Any](),
        ]
        return try Yams.dump(object: document, sortKeys: true)
    }

    /// `existing` (a kubeconfig's YAML, possibly empty) with this cluster's entries added, replacing entries of the
    /// same name and leaving every other entry as it was, and this cluster as the current context.
    public func merged(into existing: String) throws -> String {
        var document: [String: Any] = [:]
        if !existing.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard let loaded = try Yams.load(yaml: existing) as? [String: Any] else {
                throw KubernetesError(.configuration, "the existing kubeconfig is not a YAML mapping", hint: "fix or move it, then merge again")
            }
            document = loaded
        }
        let (cluster, context, user) = entries
        for (key, entry) in [("clusters", cluster), ("contexts", context), ("users", user)] {
            var list = (document[key] as? [[String: Any]]) ?? []
            list.removeAll { ($0["name"] as? String) == name }
            list.append(entry)
            document[key] = list
        }
        document["apiVersion"] = document["apiVersion"] ?? "v1"
        document["kind"] = document["kind"] ?? "Config"
        document["current-context"] = name
        return try Yams.dump(object: document, sortKeys: true)
    }
}
