import Yams

extension ArgoCDInstall {
    /// Kinds that are cluster-scoped: those of the Argo CD install manifest (CustomResourceDefinition, ClusterRole,
    /// ClusterRoleBinding; every other kind in v3.5.1's file is namespaced) and the other built-in cluster-scoped
    /// kinds a custom manifest may hold. Custom kinds whose CRD in the same manifest says `scope: Cluster` are added
    /// per manifest. The driver's discovery has the last word when it applies.
    public static let clusterScopedKinds: Set<String> = [
        "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
        "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "APIService",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
        "CertificateSigningRequest", "Node", "FlowSchema", "PriorityLevelConfiguration",
    ]

    /// The order of kinds within the last phase (dependencies first: accounts, configuration and RBAC before the
    /// workloads that use them); kinds not listed follow, by kind. Within a kind, objects go by name.
    public static let kindOrder: [String] = [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount", "Secret",
        "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition",
        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "DaemonSet", "Pod", "ReplicaSet",
        "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
        "APIService",
    ]

    /// Parses multi-document YAML into objects (empty documents skipped).
    static func parseDocuments(_ text: String) throws(KubernetesError) -> [Value] {
        var objects: [Value] = []
        do {
            var sequence = try Yams.compose_all(yaml: text, .basic)
            while let node = sequence.next() {
                let index = objects.count + 1
                let value = try value(of: node, document: index)
                switch value {
                case .null: continue
                case .map: objects.append(value)
                default:
                    throw KubernetesError(
                        .invalidManifest, "document \(index) of the manifest is \(value.typeName), not a Kubernetes object")
                }
            }
            if let error = sequence.error { throw error }
        } catch let error as KubernetesError {
            throw error
        } catch {
            throw KubernetesError(
                .invalidManifest, "the manifest is not valid YAML: \(error)",
                hint: "check the file, or fetch it again from the upstream release")
        }
        return objects
    }

    /// A YAML node as a value: quoted and block scalars are strings; plain ones follow the YAML 1.2 core schema.
    private static func value(of node: Node, document: Int) throws(KubernetesError) -> Value {
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? YAMLScalar.resolvePlain(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            var items: [Value] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try value(of: item, document: document)) }
            return .list(items)
        case .mapping(let mapping):
            var entries: [String: Value] = [:]
            entries.reserveCapacity(mapping.count)
            for (key, item) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw KubernetesError(.invalidManifest, "document \(document) of the manifest has a key that is not a string")
                }
                entries[keyScalar.string] = try value(of: item, document: document)
            }
            return .map(entries)
        default:
            throw KubernetesError(.invalidManifest, "document \(document) of the manifest uses a YAML alias, which Terrace does not follow")
        }
    }

    /// Namespaces the objects, fixes ClusterRoleBinding subjects, adds the health check, applies `access` (see
    /// ``Access``) and orders the result.
    static func transform(
        _ objects: [Value], namespace: String, access: Access? = nil
    ) throws(KubernetesError) -> (crds: [Value], resources: [Value]) {
        // Custom kinds the manifest itself declares cluster-scoped.
        var clusterScoped = clusterScopedKinds
        for object in objects where object["kind"] == "CustomResourceDefinition" {
            if object["spec"]?["scope"] == "Cluster", case .string(let kind)? = object["spec"]?["names"]?["kind"] {
                clusterScoped.insert(kind)
            }
        }
        var crds: [Value] = []
        var resources: [Value] = []
        var seen: Set<String> = []
        var foundConfigMap = false
        for (offset, object) in objects.enumerated() {
            guard case .string(let apiVersion)? = object["apiVersion"], !apiVersion.isEmpty,
                case .string(let kind)? = object["kind"], !kind.isEmpty
            else {
                throw KubernetesError(.invalidManifest, "object \(offset + 1) of the manifest has no apiVersion or kind")
            }
            guard let name = metadataString(object, "name"), !name.isEmpty else {
                throw KubernetesError(.invalidManifest, "object \(offset + 1) of the manifest (\(apiVersion) \(kind)) has no metadata.name")
            }
            // The Namespace is Terrace's own (phase 1).
            if kind == "Namespace" && name == namespace { continue }
            let namespaced = !clusterScoped.contains(kind)
            var result = object.settingMetadata("namespace", to: namespaced ? .string(namespace) : nil)
            let identity = "\(apiVersion) \(kind) " + (namespaced ? "\(namespace)/\(name)" : name)
            guard seen.insert(identity).inserted else {
                throw KubernetesError(.invalidManifest, "the manifest holds the object twice", object: identity)
            }
            if kind == "ClusterRoleBinding" { result = clusterRoleBindingFixed(result, namespace: namespace) }
            if kind == "ConfigMap" && apiVersion == "v1" && name == "argocd-cm" {
                result = withApplicationHealthCheck(result)
                foundConfigMap = true
            }
            if kind == "CustomResourceDefinition" { crds.append(result) } else { resources.append(result) }
        }
        guard foundConfigMap else {
            throw KubernetesError(
                .missingObject, "the manifest has no `argocd-cm` ConfigMap, so it is not an Argo CD install manifest",
                hint: "point `addons.argocd.manifest` at Argo CD's manifests/install.yaml")
        }
        if let access { resources = try applying(access, to: resources, namespace: namespace) }
        let rank = Dictionary(kindOrder.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
        func key(_ object: Value) -> (Int, String, String, String) {
            let kind = object["kind"]?.stringValue ?? ""
            return (rank[kind] ?? kindOrder.count, kind, metadataString(object, "name") ?? "", object["apiVersion"]?.stringValue ?? "")
        }
        crds.sort { (metadataString($0, "name") ?? "") < (metadataString($1, "name") ?? "") }
        resources.sort { key($0) < key($1) }
        return (crds, resources)
    }

    /// Every ServiceAccount subject of a ClusterRoleBinding pointed at `namespace` (User and Group subjects have none).
    static func clusterRoleBindingFixed(_ binding: Value, namespace: String) -> Value {
        guard case .map(var entries) = binding, case .list(let subjects)? = entries["subjects"] else { return binding }
        entries["subjects"] = .list(
            subjects.map { subject in
                guard case .map(var fields) = subject, fields["kind"] == "ServiceAccount" else { return subject }
                fields["namespace"] = .string(namespace)
                return .map(fields)
            })
        return .map(entries)
    }

    /// `argocd-cm` with the Application health check in its data; a manifest that sets its own check keeps it.
    static func withApplicationHealthCheck(_ configMap: Value) -> Value {
        guard case .map(var entries) = configMap else { return configMap }
        var data: [String: Value] = [:]
        if case .map(let existing)? = entries["data"] { data = existing }
        if data[applicationHealthKey] == nil { data[applicationHealthKey] = .string(applicationHealthScript) }
        entries["data"] = .map(data)
        return .map(entries)
    }
}

extension Value {
    /// The object with `metadata.<key>` set to `value`, or removed when `value` is nil.
    func settingMetadata(_ key: String, to value: Value?) -> Value {
        guard case .map(var entries) = self else { return self }
        var metadata: [String: Value] = [:]
        if case .map(let existing)? = entries["metadata"] { metadata = existing }
        metadata[key] = value
        entries["metadata"] = .map(metadata)
        return .map(entries)
    }
}
