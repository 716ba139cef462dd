/// The Argo CD `Application` an app unit renders, and how its status is read.
///
/// Terrace's defaults (automated sync with prune and self-heal, `CreateNamespace=true`, `ServerSideApply=true`, the
/// cascading-delete finalizer) sit under the app's own `spec:`, which is merged over them: maps key by key, anything
/// else replaced.
public struct ArgoCDApplication: Hashable, Sendable {
    /// The Application's API version.
    public static let apiVersion = "argoproj.io/v1alpha1"
    /// The finalizer that makes deleting an Application delete what it deployed first.
    public static let finalizer = "resources-finalizer.argocd.argoproj.io"
    /// The annotation that orders Applications in an app of apps.
    public static let syncWaveAnnotation = "argocd.argoproj.io/sync-wave"
    /// The conditions that fail an app at once.
    public static let errorConditions = ["SyncError", "ComparisonError", "InvalidSpecError"]

    /// The app's name (the Application's).
    public let name: String
    /// The namespace Argo CD runs in, where the Application lives.
    public let argocdNamespace: String
    /// The Application, ready to apply.
    public let object: Value

    /// Renders the Application of an app unit from its rendered inputs (see ``KubernetesUnitKind/app``).
    /// - Throws: ``KubernetesError`` `invalid` naming the input that is not of the right shape.
    public init(inputs: [String: Value]) throws(KubernetesError) {
        guard let name = inputs["name"]?.stringValue, let namespace = inputs["namespace"]?.stringValue,
            let argocdNamespace = inputs["argocd_namespace"]?.stringValue
        else {
            throw KubernetesError(.invalid, "an app needs its name, namespace and Argo CD namespace")
        }
        try ArgoCDInstall.checkDNSLabel(namespace, what: "the namespace of app `\(name)`")
        var source: [String: Value] = [:]
        if case .map(let chart)? = inputs["chart"] {
            source["repoURL"] = chart["repo"]
            source["chart"] = chart["name"]
            source["targetRevision"] = chart["version"]
        } else if case .map(let git)? = inputs["source"] {
            source["repoURL"] = git["repo"]
            source["path"] = git["path"] ?? "."
            source["targetRevision"] = git["ref"] ?? "HEAD"
        } else {
            throw KubernetesError(.invalid, "app `\(name)` has neither a chart nor a source")
        }
        for key in ["repoURL", "targetRevision"] + (source["chart"] != nil ? ["chart"] : ["path"]) {
            guard case .string(let text)? = source[key], !text.isEmpty else {
                throw KubernetesError(.invalid, "app `\(name)`: `\(key)` of its Application source must be a non-empty string")
            }
        }
        switch inputs["values"] {
        case nil, .null?: break
        case .map(let values)?: if !values.isEmpty { source["helm"] = ["valuesObject": .map(values)] }
        default: throw KubernetesError(.invalid, "app `\(name)`: `values` must be a mapping")
        }
        var spec: [String: Value] = [
            "project": "default",
            "source": .map(source),
            "destination": ["server": .string(ArgoCDInstall.inClusterServer), "namespace": .string(namespace)],
            "syncPolicy": [
                "automated": ["prune": true, "selfHeal": true],
                "syncOptions": ["CreateNamespace=true", "ServerSideApply=true"],
            ],
        ]
        switch inputs["spec"] {
        case nil, .null?: break
        case .map(let overrides)?:
            if overrides["sources"] != nil { spec["source"] = nil }
            spec = Self.merge(spec, overrides)
        default: throw KubernetesError(.invalid, "app `\(name)`: `spec` must be a mapping of Application spec fields")
        }
        var metadata: [String: Value] = [
            "name": .string(name), "namespace": .string(argocdNamespace), "finalizers": [.string(Self.finalizer)],
            "labels": ["app.kubernetes.io/managed-by": "terrace"],
        ]
        if let wave = inputs["sync_wave"], case .number(let number) = wave, let integer = number.intValue {
            metadata["annotations"] = [Self.syncWaveAnnotation: .string(String(integer))]
        }
        self.name = name
        self.argocdNamespace = argocdNamespace
        self.object = [
            "apiVersion": .string(Self.apiVersion), "kind": "Application", "metadata": .map(metadata), "spec": .map(spec),
        ]
    }

    /// An Application rendered elsewhere (see ``selfManaging(version:namespace:)``).
    init(name: String, argocdNamespace: String, object: Value) {
        self.name = name
        self.argocdNamespace = argocdNamespace
        self.object = object
    }

    /// `overrides` merged over `base`: maps key by key, anything else replaced.
    static func merge(_ base: [String: Value], _ overrides: [String: Value]) -> [String: Value] {
        var result = base
        for (key, value) in overrides {
            if case .map(let inner)? = result[key], case .map(let override) = value {
                result[key] = .map(merge(inner, override))
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// What an Application's status says about the sync Terrace asked for.
    public enum Verdict: Hashable, Sendable {
        /// `Synced` and `Healthy` at the asked source, the last operation `Succeeded`.
        case ready(revision: String, health: String, sync: String)
        /// A condition or health that fails the app at once, with its message.
        case failed(String)
        /// Not there yet, with what was last seen.
        case waiting(String)
    }

    /// Reads `live` (the Application as the server has it, or nil) against the spec this Application asks for.
    public func verdict(_ live: Value?) -> Verdict {
        guard let live else { return .waiting("the Application does not exist") }
        let status = live["status"]
        // A multi-source Application (`spec.sources`) is compared by its `sources`.
        let key = object["spec"]?["sources"] != nil ? "sources" : "source"
        let askedSource = object["spec"]?[key]
        let comparedSource = status?["sync"]?["comparedTo"]?[key]
        // Status written for an earlier spec says nothing about this one.
        let current = comparedSource == nil || askedSource == nil || comparedSource == askedSource
        for condition in status?["conditions"]?.listValue ?? [] {
            if let type = condition["type"]?.stringValue, Self.errorConditions.contains(type), current {
                return .failed("\(type): \(condition["message"]?.stringValue ?? "no message")")
            }
        }
        let health = status?["health"]?["status"]?.stringValue ?? "Unknown"
        let sync = status?["sync"]?["status"]?.stringValue ?? "Unknown"
        let phase = status?["operationState"]?["phase"]?.stringValue
        if current, comparedSource != nil, health == "Degraded" {
            let message = status?["health"]?["message"]?.stringValue
            return .failed("Degraded" + (message.map { ": \($0)" } ?? ""))
        }
        if current, comparedSource != nil, phase == "Failed" || phase == "Error" {
            return .failed("sync \(phase ?? "Failed"): \(status?["operationState"]?["message"]?.stringValue ?? "no message")")
        }
        if comparedSource != nil, current, sync == "Synced", health == "Healthy", phase == "Succeeded" {
            return .ready(revision: status?["sync"]?["revision"]?.stringValue ?? "", health: health, sync: sync)
        }
        var seen = "sync \(sync), health \(health)"
        if let phase { seen += ", operation \(phase)" }
        if comparedSource != nil, !current { seen += ", status of an earlier spec" }
        return .waiting(seen)
    }
}
