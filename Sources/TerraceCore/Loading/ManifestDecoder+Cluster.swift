import Foundation
import Yams

extension ManifestDecoder {
    /// The settings of `addons.argocd`, as decoded.
    struct ArgoCDSettings {
        var version = ArgoCDInstall.defaultVersion
        var manifest: InputValue
        var sha256: String = ArgoCDInstall.defaultSHA256
        var namespace = ArgoCDInstall.defaultNamespace
        /// `selfManaged` as written; nil when absent (Argo CD manages itself when its manifest is upstream's).
        var selfManaged: Bool?
        var location: SourceLocation
    }

    /// Decodes `kubernetes: {existing: {kubeconfig, context}}`.
    mutating func decodeExistingCluster(_ entry: NodeReader.Entry, others: [NodeReader.Entry]) -> ExistingCluster? {
        for other in others where other.key != "existing" && other.key != "dependsOn" {
            reader.error(
                other.keyLocation, "`kubernetes.\(other.key)` cannot be combined with `kubernetes.existing`",
                hint: "an existing cluster is used as it is: Terrace creates no cluster, so it has no version, nodes, module or inputs")
        }
        guard let fields = reader.mapping(entry.value, "kubernetes.existing") else { return nil }
        reader.checkKeys(fields, allowed: ["kubeconfig", "context"], in: "kubernetes.existing")
        var cluster = ExistingCluster(location: entry.keyLocation)
        for field in fields {
            switch field.key {
            case "kubeconfig":
                guard let text = reader.string(field.value, "kubernetes.existing.kubeconfig"), !text.isEmpty else { continue }
                if TemplateParser.containsOpening(text) {
                    reader.error(field.value, "the kubeconfig path is read as written; `${…}` is not evaluated here")
                    continue
                }
                if text.hasPrefix("~/") {
                    cluster.kubeconfig = RepoPath.join(NSHomeDirectory(), String(text.dropFirst(2)))
                } else if text.hasPrefix("/") {
                    cluster.kubeconfig = RepoPath.normalize(text)
                } else {
                    cluster.kubeconfig = RepoPath.join(RepoPath.directory(of: path), text)
                }
            case "context":
                if let text = reader.string(field.value, "kubernetes.existing.context"), !text.isEmpty { cluster.context = text }
            default: break
            }
        }
        return cluster
    }

    /// Decodes `addons.argocd`: `{}` (or nothing) pins Terrace's default version, manifest URL and checksum; a version
    /// or a manifest of one's own needs its `sha256`; `selfManaged: true` needs upstream's manifest.
    mutating func decodeArgoCD(_ entry: NodeReader.Entry?, defaultLocation: SourceLocation) -> ArgoCDSettings {
        let location = entry?.keyLocation ?? defaultLocation
        var settings = ArgoCDSettings(manifest: .literal(.string(ArgoCDInstall.defaultManifestURL), location), location: location)
        guard let entry else { return settings }
        if case .scalar(let scalar) = entry.value, case .null = reader.scalarValue(scalar) { return settings }
        guard let fields = reader.mapping(entry.value, "addons.argocd") else { return settings }
        reader.checkKeys(fields, allowed: ["version", "manifest", "sha256", "namespace", "selfManaged"], in: "addons.argocd")
        let byKey = Dictionary(fields.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        if let field = byKey["version"], let version = reader.string(field.value, "addons.argocd.version") {
            if version.isEmpty || version.contains("/") || version.contains(" ") {
                reader.error(field.value, "Argo CD version `\(version)` is not a release tag", hint: "write a tag such as `v3.5.1`")
            } else {
                settings.version = version
                settings.manifest = .literal(.string(ArgoCDInstall.manifestURL(version: version)), reader.location(of: field.value))
            }
        }
        if let field = byKey["namespace"], let namespace = reader.string(field.value, "addons.argocd.namespace") {
            if let problem = NameRules.checkName(namespace) { reader.error(field.value, "namespace `\(namespace)` \(problem)") }
            settings.namespace = namespace
        }
        if let field = byKey["manifest"], let text = reader.string(field.value, "addons.argocd.manifest") {
            if let manifest = decodeManifestLocation(text, node: field.value) { settings.manifest = manifest }
        }
        if let field = byKey["sha256"], let text = reader.string(field.value, "addons.argocd.sha256") {
            var digest = text.lowercased()
            if digest.hasPrefix("sha256:") { digest.removeFirst("sha256:".count) }
            if digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) {
                settings.sha256 = digest
            } else {
                reader.error(field.value, "`addons.argocd.sha256` is not a SHA-256", hint: "give 64 hex digits, as `sha256sum FILE` prints them")
            }
        } else if byKey["manifest"] != nil || settings.version != ArgoCDInstall.defaultVersion {
            let what = byKey["manifest"].map { reader.location(of: $0.value) } ?? byKey["version"].map { reader.location(of: $0.value) } ?? location
            let shipped = byKey["manifest"] == nil
                ? "Terrace ships the checksum of Argo CD \(ArgoCDInstall.defaultVersion) only"
                : "a manifest is applied only when its checksum matches"
            reader.error(
                what, "the Argo CD manifest has no checksum: add `addons.argocd.sha256`",
                hint: "\(shipped); give the file's SHA-256 (`sha256sum install.yaml`)")
        }
        if let field = byKey["selfManaged"], let flag = reader.bool(field.value, "addons.argocd.selfManaged") {
            settings.selfManaged = flag
            if flag, case .literal(.string(let manifest), _) = settings.manifest,
                !ArgoCDInstall.isUpstreamManifest(manifest, version: settings.version)
            {
                reader.error(
                    field.value, "Argo CD cannot manage itself from a manifest of your own",
                    hint: "self-management follows Argo CD's repository at `version`, so it needs the upstream manifest "
                        + "(leave out `manifest`); with `manifest`, leave out `selfManaged`")
            }
        }
        return settings
    }

    /// An `https://` URL (plain `http://` only on the loopback interface, for mirrors on the same machine), or a path
    /// relative to the manifest file that stays inside the repository, kept relative to the repository root.
    private mutating func decodeManifestLocation(_ text: String, node: Node) -> InputValue? {
        let location = reader.location(of: node)
        if text.hasPrefix("https://") { return .literal(.string(text), location) }
        if text.hasPrefix("http://") {
            let host = text.dropFirst("http://".count).prefix { $0 != "/" && $0 != ":" }
            let loopback = text.dropFirst("http://".count).hasPrefix("[::1]") || ["127.0.0.1", "localhost"].contains(String(host))
            guard loopback else {
                reader.error(node, "the Argo CD manifest URL `\(text)` is not https", hint: "use an `https://` URL (plain http only on 127.0.0.1)")
                return nil
            }
            return .literal(.string(text), location)
        }
        if text.contains("://") {
            reader.error(node, "unsupported Argo CD manifest URL `\(text)`", hint: "use an `https://` URL or a path in the repository")
            return nil
        }
        if text.hasPrefix("/") {
            reader.error(node, "the Argo CD manifest path `\(text)` must be relative to the manifest", hint: "write `./argocd/install.yaml`")
            return nil
        }
        let resolved = RepoPath.join(RepoPath.directory(of: path), text)
        guard RepoPath.isInside(resolved, root: root), let relative = RepoPath.relative(resolved, to: root) else {
            reader.error(node, "the Argo CD manifest path `\(text)` leaves the repository")
            return nil
        }
        return .literal(.string(relative), location)
    }

    /// The `argocd` unit of an infrastructure with a cluster: its settings, the cluster's connection and the facts
    /// the GitOps-bridge Secret carries, from the sections present.
    func argoCDUnit(
        _ settings: ArgoCDSettings, addons: [String], present: Set<BuiltinSection>, cloud: CloudSettings, existing: Bool,
        infrastructure: String
    ) -> UnitSpec {
        let at = settings.location
        var unit = UnitSpec(name: KubernetesUnitKind.argocd.rawValue, kind: .argocd, location: at, module: .kubernetes(.argocd))
        func set(_ input: String, _ value: InputValue) {
            unit.inputs[input] = value
            unit.inputKeyLocations[input] = at
        }
        set("version", .literal(.string(settings.version), at))
        set("manifest", settings.manifest)
        set("sha256", .literal(.string(settings.sha256), at))
        set("namespace", .literal(.string(settings.namespace), at))
        set("addons", .list(addons.sorted().map { .literal(.string($0), at) }, at))
        if let selfManaged = settings.selfManaged { set("self_managed", .literal(.bool(selfManaged), at)) }
        if existing {
            set("cluster_name", .literal(.string(infrastructure), at))
        } else {
            unit = withClusterInputs(unit, at: at)
            set("region", .literal(.string(cloud.region), at))
            set("account_id", implied("${try(split(\":\", kubernetes.cluster_arn)[4], null)}", at: at))
        }
        if present.contains(.network) { set("vpc_id", implied("${network.vpc_id}", at: at)) }
        if present.contains(.domain) {
            set("domain", implied("${domain.name}", at: at))
            set("zone_id", implied("${domain.zone_id}", at: at))
        }
        // Argo CD at argocd.<domain> behind the ingress controller; its certificate from cert-manager; single sign-on
        // through Keycloak's realm named after the infrastructure.
        if present.contains(.domain) && addons.contains(ArgoCDAccessAddons.ingress) {
            set("url", implied("https://argocd.${domain.name}", at: at))
            if addons.contains(ArgoCDAccessAddons.certManager) {
                set("tls_issuer", .literal(.string(ArgoCDAccessAddons.clusterIssuer), at))
            }
            if addons.contains(ArgoCDAccessAddons.keycloak) {
                set("oidc", .map([
                    "issuer": implied("https://keycloak.${domain.name}/realms/\(infrastructure)", at: at),
                    "client_id": .literal(.string(ArgoCDAccessAddons.clientID), at),
                    "client_secret": .literal(.string(ArgoCDAccessAddons.clientSecretReference), at),
                ], at))
            }
        }
        return unit
    }

    /// The catalogue addons that give Argo CD a URL, a certificate and single sign-on, and what the `argocd` unit
    /// gets from them.
    enum ArgoCDAccessAddons {
        /// The ingress controller: Argo CD gets `https://argocd.<domain>` (with a `domain` section).
        static let ingress = "ingress"
        /// cert-manager: the Ingress gets a certificate from ``clusterIssuer``.
        static let certManager = "cert-manager"
        /// Keycloak: single sign-on through the realm named after the infrastructure.
        static let keycloak = "keycloak"
        /// The cert-manager `ClusterIssuer` of Argo CD's certificate.
        static let clusterIssuer = "letsencrypt"
        /// Argo CD's OIDC client id in Keycloak.
        static let clientID = "argocd"
        /// Argo CD's reference to its client secret: the key `clientSecret` of the Secret `argocd-oidc` in Argo CD's
        /// namespace (labelled `app.kubernetes.io/part-of: argocd`), which another component makes. Never a value.
        static let clientSecretReference = "$argocd-oidc:clientSecret"
    }

    /// `unit` with the inputs that reach a Terrace-made EKS cluster: its name, endpoint and CA from the `kubernetes` unit.
    func withClusterInputs(_ unit: UnitSpec, at location: SourceLocation) -> UnitSpec {
        var unit = unit
        for (input, output) in [("cluster_name", "cluster_name"), ("cluster_endpoint", "endpoint"), ("cluster_ca_data", "ca_data")] {
            unit.inputs[input] = implied("${kubernetes.\(output)}", at: location)
            unit.inputKeyLocations[input] = unit.inputKeyLocations[input] ?? location
        }
        return unit
    }

    /// An app of `infrastructure`: the decoded app with the Argo CD namespace and, for a Terrace-made cluster, the
    /// cluster's connection.
    func appUnit(_ app: UnitSpec, existing: Bool) -> UnitSpec {
        var unit = app
        unit.inputs["argocd_namespace"] = implied("${argocd.namespace}", at: app.location)
        unit.inputKeyLocations["argocd_namespace"] = app.location
        return existing ? unit : withClusterInputs(unit, at: app.location)
    }

    /// An input Terrace writes on the user's behalf, such as `${network.vpc_id}`.
    func implied(_ text: String, at location: SourceLocation) -> InputValue {
        switch TemplateParser.parse(text, at: location) {
        case .success(let template): return .template(template)
        case .failure: return .literal(.string(text), location)
        }
    }
}
