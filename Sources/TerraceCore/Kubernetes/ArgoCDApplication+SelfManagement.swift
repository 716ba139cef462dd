extension ArgoCDApplication {
    /// The name of the Application through which Argo CD manages itself (app names may not be `argocd`).
    public static let selfManagedName = "argocd"
    /// Argo CD's git repository.
    public static let argoCDRepository = "https://github.com/argoproj/argo-cd.git"
    /// The kustomization upstream's `manifests/install.yaml` is built from (`hack/update-manifests.sh` runs
    /// `kustomize build manifests/cluster-install`: `namespace-install`, `cluster-rbac` and `crds`, images pinned to the
    /// release at its tag). It has no Namespace, no Ingress and no cluster Secret.
    public static let clusterInstallPath = "manifests/cluster-install"
    /// The ConfigMaps whose `data` Terrace sets beyond upstream's (the Application health check, Argo CD's URL,
    /// `server.insecure`, single sign-on and RBAC), which Argo CD must neither report as drift nor revert.
    public static let selfManagedIgnoredConfigMaps = ["argocd-cm", "argocd-cmd-params-cm", "argocd-rbac-cm"]

    /// The Application through which Argo CD manages itself after the bootstrap: `manifests/cluster-install` of Argo
    /// CD's repository at `version`, with `kustomize.namespace` when `namespace` is not `argocd` (the kustomization has
    /// no namespace, and its ClusterRoleBindings name `argocd`), synced into `namespace` of the cluster it runs in.
    ///
    /// Its sync policy heals drift but never prunes (Argo CD must not delete parts of itself), applies server-side,
    /// and ignores the `data` of ``selfManagedIgnoredConfigMaps``, also when syncing (`RespectIgnoreDifferences`). It
    /// has no finalizer: deleting it (Terrace's destroy does so first) leaves Argo CD running.
    /// - Throws: ``KubernetesError`` `invalid` for an empty version, `invalidName` for a namespace that is not a
    ///   Kubernetes name.
    public static func selfManaging(version: String, namespace: String) throws(KubernetesError) -> ArgoCDApplication {
        try ArgoCDInstall.checkDNSLabel(namespace, what: "the Argo CD namespace")
        guard !version.isEmpty else {
            throw KubernetesError(.invalid, "the Argo CD version is empty", hint: "pin a version such as \(ArgoCDInstall.defaultVersion)")
        }
        var source: [String: Value] = [
            "repoURL": .string(argoCDRepository), "targetRevision": .string(version), "path": .string(clusterInstallPath),
        ]
        if namespace != ArgoCDInstall.defaultNamespace { source["kustomize"] = ["namespace": .string(namespace)] }
        let ignored: [Value] = selfManagedIgnoredConfigMaps.map { name in
            ["kind": "ConfigMap", "name": .string(name), "jsonPointers": ["/data"]]
        }
        let object: Value = [
            "apiVersion": .string(apiVersion), "kind": "Application",
            "metadata": [
                "name": .string(selfManagedName), "namespace": .string(namespace),
                "labels": ["app.kubernetes.io/managed-by": "terrace"],
            ],
            "spec": [
                "project": "default",
                "source": .map(source),
                "destination": ["server": .string(ArgoCDInstall.inClusterServer), "namespace": .string(namespace)],
                "syncPolicy": [
                    "automated": ["selfHeal": true, "prune": false],
                    "syncOptions": ["ServerSideApply=true", "RespectIgnoreDifferences=true"],
                ],
                "ignoreDifferences": .list(ignored),
            ],
        ]
        return ArgoCDApplication(name: selfManagedName, argocdNamespace: namespace, object: object)
    }

    /// The self-managing Application of an `argocd` unit, from its rendered inputs: nil when `self_managed` is false,
    /// or when `manifest` is not upstream's install manifest of `version` (a fork, a mirror or a file of the repository
    /// has no git source to follow).
    /// - Throws: ``KubernetesError`` `invalid` when `version`, `manifest` or `namespace` is missing, or `self_managed`
    ///   is not a boolean.
    public static func selfManaging(inputs: [String: Value]) throws(KubernetesError) -> ArgoCDApplication? {
        guard let version = inputs["version"]?.stringValue, let manifest = inputs["manifest"]?.stringValue,
            let namespace = inputs["namespace"]?.stringValue
        else {
            throw KubernetesError(.invalid, "the `argocd` unit needs its version, manifest and namespace")
        }
        switch inputs["self_managed"] {
        case nil, .null?, .bool(true)?: break
        case .bool(false)?: return nil
        default: throw KubernetesError(.invalid, "the `argocd` unit's `self_managed` must be true or false")
        }
        guard ArgoCDInstall.isUpstreamManifest(manifest, version: version) else { return nil }
        return try selfManaging(version: version, namespace: namespace)
    }
}
