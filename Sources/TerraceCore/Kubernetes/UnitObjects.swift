/// The objects an app unit applies beside its Argo CD `Application`, from its `prerequisites` and `objects` inputs:
/// prerequisites before the Application (their kinds come from the addons it depends on), objects once it is `Synced`
/// and `Healthy` (their kinds may come from its own chart).
///
/// When prerequisites go into the app's own namespace, its `Namespace` comes first (Argo CD would only create it
/// with the Application). Map entries that are null are left out. A `batch/v1 Job` among them runs once per content: its name gets the first 8 hex digits of the SHA-256 of
/// everything the unit renders beside Jobs and of the Job itself, so a change to what it reads (a realm's
/// configuration, say) makes a new Job, and the previous one is pruned as no longer rendered.
public struct UnitObjects: Hashable, Sendable {
    /// Applied before the Application, in order.
    public var prerequisites: [Value]
    /// Applied once the Application is ready, in order.
    public var objects: [Value]

    /// Reads the objects of an app unit's inputs.
    /// - Throws: ``KubernetesError`` `invalidManifest` for an entry that is not an object with `apiVersion`, `kind`
    ///   and `metadata.name`.
    public init(inputs: [String: Value]) throws(KubernetesError) {
        var before = try Self.list(inputs["prerequisites"], "prerequisites").map(Self.withoutNulls)
        // Prerequisites in the app's own namespace come before Argo CD would create it: the unit creates it first.
        if let namespace = inputs["namespace"]?.stringValue, before.contains(where: { $0["metadata"]?["namespace"]?.stringValue == namespace }) {
            before.insert(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]], at: 0)
        }
        let after = try Self.list(inputs["objects"], "objects").map(Self.withoutNulls)
        let content = ContentDigest.of((before + after).filter { !Self.isJob($0) }.map(\.canonicalJSON).joined(separator: "\n"))
        prerequisites = before.map { Self.namingJob($0, content: content) }
        objects = after.map { Self.namingJob($0, content: content) }
    }

    /// Every object, in the order they are applied (the Application sits between the two lists).
    public var all: [Value] { prerequisites + objects }

    private static func list(_ value: Value?, _ input: String) throws(KubernetesError) -> [Value] {
        guard let value, value != .null else { return [] }
        guard case .list(let items) = value else {
            throw KubernetesError(.invalidManifest, "`\(input)` must be a list of Kubernetes objects")
        }
        for (index, item) in items.enumerated() {
            guard item["apiVersion"]?.stringValue != nil, item["kind"]?.stringValue != nil,
                item["metadata"]?["name"]?.stringValue != nil
            else {
                throw KubernetesError(.invalidManifest, "`\(input)[\(index)]` is not a Kubernetes object with apiVersion, kind and metadata.name")
            }
        }
        return items
    }

    /// `value` without the map entries that are null, at any depth: a field a template left empty (an optional
    /// setting not given) is left out rather than sent as null.
    static func withoutNulls(_ value: Value) -> Value {
        switch value {
        case .map(let entries): .map(entries.compactMapValues { $0 == .null ? nil : withoutNulls($0) })
        case .list(let items): .list(items.map(withoutNulls))
        default: value
        }
    }

    static func isJob(_ object: Value) -> Bool {
        object["apiVersion"]?.stringValue == "batch/v1" && object["kind"]?.stringValue == "Job"
    }

    private static func namingJob(_ object: Value, content: String) -> Value {
        guard isJob(object), let metadata = object["metadata"], let name = metadata["name"]?.stringValue else { return object }
        let digest = ContentDigest.of(content + "\n" + object.canonicalJSON)
        let suffix = String(digest.prefix(8))
        return object.setting("metadata", to: metadata.setting("name", to: .string("\(name.prefix(54))-\(suffix)")))
    }
}
