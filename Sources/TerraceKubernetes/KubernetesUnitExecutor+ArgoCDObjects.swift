import TerraceCore

extension KubernetesUnitExecutor {
    /// What an `argocd` job renders: the install (fetched, checked against its SHA-256 before anything else,
    /// transformed), the cluster Secret, and the Application through which Argo CD manages itself (nil with a manifest
    /// of one's own, or `self_managed: false`).
    struct ArgoCDObjects {
        let install: ArgoCDInstall
        let secret: Value
        let selfManaging: ArgoCDApplication?

        /// Every object, in the order they are applied (the Application last).
        var objects: [Value] { install.objects + [secret] + (selfManaging.map { [$0.object] } ?? []) }
    }
}
