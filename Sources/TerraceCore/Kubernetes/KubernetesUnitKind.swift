/// The kinds of unit Terrace runs in a cluster itself, through the Kubernetes driver instead of Terraform.
///
/// Each kind has a fixed set of inputs and outputs, declared like a module's variables and outputs (see
/// ``module(repositoryRoot:)``), so that units of these kinds are validated, rendered, digested, recorded and
/// referenced exactly like Terraform units.
public enum KubernetesUnitKind: String, Hashable, Sendable, CaseIterable {
    /// Bootstraps Argo CD from its pinned install manifest, adds the GitOps-bridge cluster Secret and, with upstream's
    /// manifest, the Application through which Argo CD manages itself.
    case argocd
    /// One Argo CD `Application`.
    case app

    /// Bumped when what a unit of the kind does for the same inputs changes, so that recorded units apply again.
    /// `argocd` 2: Argo CD manages itself through the Application `argocd`.
    var behaviourVersion: String {
        switch self {
        case .argocd: "2"
        case .app: "1"
        }
    }

    /// The inputs every unit that talks to a Terrace-made EKS cluster gets from the `kubernetes` unit.
    public static let clusterInputs = ["cluster_name", "cluster_endpoint", "cluster_ca_data"]

    /// The variables of the kind: name, whether required, type.
    var variables: [(String, Bool, String)] {
        let cluster = [("cluster_name", false, "string"), ("cluster_endpoint", false, "string"), ("cluster_ca_data", false, "string")]
        switch self {
        case .argocd:
            return cluster + [
                ("version", true, "string"), ("manifest", true, "string"), ("sha256", true, "string"),
                ("namespace", true, "string"), ("region", false, "string"), ("account_id", false, "string"),
                ("vpc_id", false, "string"), ("domain", false, "string"), ("zone_id", false, "string"),
                ("addons", false, "list(string)"), ("role_arns", false, "map(string)"),
                // Argo CD's URL, its Ingress's certificate issuer and single sign-on: see `ArgoCDInstall.Access`.
                ("url", false, "string"), ("tls_issuer", false, "string"), ("oidc", false, "map(string)"),
                // False: no Application `argocd` (see `ArgoCDApplication.selfManaging(inputs:)`).
                ("self_managed", false, "bool"),
            ]
        case .app:
            return cluster + [
                ("name", true, "string"), ("namespace", true, "string"), ("argocd_namespace", true, "string"),
                ("chart", false, "any"), ("source", false, "any"), ("values", false, "any"), ("sync_wave", false, "number"),
                ("spec", false, "any"), ("timeout_seconds", true, "number"), ("prerequisites", false, "any"),
                ("objects", false, "any"), ("outputs", false, "map(string)"),
            ]
        }
    }

    /// The outputs of the kind, with their descriptions.
    public var outputs: [(String, String)] {
        switch self {
        case .argocd:
            [
                ("namespace", "The namespace Argo CD runs in."), ("version", "The Argo CD version installed."),
                ("url", "Argo CD's URL (`https://argocd.<domain>`), or null when it has none."),
            ]
        case .app:
            [
                ("revision", "The revision Argo CD synced (a chart version or a git commit)."),
                ("health", "The Application's health status (`Healthy`)."),
                ("sync_status", "The Application's sync status (`Synced`)."),
                ("url", "Where the addon is reached, when it has a web address (Keycloak, Grafana)."),
                ("credentials_secret", "The Secrets Manager secret holding the credentials to sign in with, when there is one."),
            ]
        }
    }

    /// The module that stands for the kind: no files, the declarations above, a digest that changes only with
    /// `behaviourVersion`. Its directory is the repository root, against which a manifest path is read.
    public func module(repositoryRoot: String) -> ResolvedModule {
        let displayName = "kubernetes:\(rawValue)"
        let location = SourceLocation(file: displayName)
        var declarations = ModuleDeclarations()
        for (name, required, type) in variables {
            declarations.variables[name] = VariableDeclaration(
                name: name, location: location, hasDefault: !required, type: type, nullable: !required)
        }
        for (name, description) in outputs {
            declarations.outputs[name] = OutputDeclaration(name: name, location: location, description: description)
        }
        return ResolvedModule(
            source: .kubernetes(self), directory: repositoryRoot, displayName: displayName, declarations: declarations,
            digest: ContentDigest.of("terrace-kubernetes-\(rawValue)-v\(behaviourVersion)"))
    }
}
