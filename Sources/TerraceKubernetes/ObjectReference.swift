import TerraceCore

/// One object: its kind, namespace (nil for cluster-scoped objects) and name.
///
/// Its description is how messages name it: `apps/v1 Deployment argocd/argocd-server`, or
/// `apiextensions.k8s.io/v1 CustomResourceDefinition applications.argoproj.io`.
public struct ObjectReference: Hashable, Sendable, CustomStringConvertible {
    /// The object's group, version and kind.
    public var kind: GroupVersionKind
    /// Its namespace; nil for a cluster-scoped object (or one whose namespace the connection supplies).
    public var namespace: String?
    /// Its name.
    public var name: String

    /// Creates a reference.
    public init(_ kind: GroupVersionKind, namespace: String? = nil, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Creates a reference from `apiVersion` and `kind`.
    public init(apiVersion: String, kind: String, namespace: String? = nil, name: String) {
        self.init(GroupVersionKind(apiVersion: apiVersion, kind: kind), namespace: namespace, name: name)
    }

    /// The reference of an object's `apiVersion`, `kind`, `metadata.namespace` and `metadata.name`.
    /// - Throws: ``KubernetesError`` with code `invalid` when one of them is missing.
    public init(of object: Value) throws(KubernetesError) {
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty,
            let kind = object["kind"]?.stringValue, !kind.isEmpty
        else {
            throw KubernetesError(.invalid, "an object has no apiVersion or kind", hint: "every manifest object needs both")
        }
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw KubernetesError(.invalid, "an object of kind \(apiVersion) \(kind) has no metadata.name")
        }
        let namespace = object["metadata"]?["namespace"]?.stringValue
        self.init(apiVersion: apiVersion, kind: kind, namespace: namespace?.isEmpty == false ? namespace : nil, name: name)
    }

    /// `apps/v1 Deployment argocd/argocd-server`.
    public var description: String {
        "\(kind.apiVersion) \(kind.kind) " + (namespace.map { "\($0)/\(name)" } ?? name)
    }
}
