/// How long Kubernetes units wait, and how often they look.
public struct KubernetesUnitSettings: Hashable, Sendable {
    /// How long the `argocd` unit waits for Argo CD's Deployments and StatefulSet to become available.
    public var argoCDReadyTimeout: Duration
    /// How long a CRD may take to become `Established`.
    public var crdTimeout: Duration
    /// How long deleting objects may take (Applications cascade through their finalizer).
    public var deletionTimeout: Duration
    /// How often waits look again.
    public var pollInterval: Duration

    /// Creates settings.
    public init(
        argoCDReadyTimeout: Duration = .seconds(600), crdTimeout: Duration = .seconds(120),
        deletionTimeout: Duration = .seconds(600), pollInterval: Duration = .seconds(2)
    ) {
        self.argoCDReadyTimeout = argoCDReadyTimeout
        self.crdTimeout = crdTimeout
        self.deletionTimeout = deletionTimeout
        self.pollInterval = pollInterval
    }
}
