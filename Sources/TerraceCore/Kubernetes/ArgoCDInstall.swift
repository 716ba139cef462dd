import Crypto

/// Argo CD's upstream install manifest turned into what Terrace applies (pure: no I/O).
///
/// From the manifest's text (multi-document YAML), its pinned version, the SHA-256 Terrace expects and the target
/// namespace, it:
/// 1. refuses a manifest whose SHA-256 does not match, before it reads anything else;
/// 2. puts the namespace on every namespaced object (the upstream manifest has none) and points every
///    ClusterRoleBinding's ServiceAccount subjects at it;
/// 3. adds the `resource.customizations.health.argoproj.io_Application` health check to `argocd-cm`, without which
///    Argo CD ignores child Applications' health and sync waves do not wait;
/// 4. orders the objects in phases: the ``namespaceObject`` Terrace adds, then the ``customResourceDefinitions``
///    (apply them and wait for `Established`), then the other ``resources`` in a stable order;
/// 5. lists the ``workloads`` to wait for.
///
/// With an ``Access``, it also configures Argo CD's URL, its Ingress and single sign-on (see
/// `ArgoCDInstall+Access.swift`).
///
/// The GitOps-bridge cluster Secret comes from ``clusterSecret(_:)`` (see `ArgoCDInstall+ClusterSecret.swift`).
public struct ArgoCDInstall: Hashable, Sendable {
    /// The Argo CD version Terrace installs unless `addons.argocd.version` says otherwise.
    public static let defaultVersion = "v3.5.1"
    /// Where the default version's install manifest is fetched.
    public static let defaultManifestURL = manifestURL(version: defaultVersion)

    /// Where Argo CD publishes the install manifest of `version` (a release tag).
    public static func manifestURL(version: String) -> String {
        "https://raw.githubusercontent.com/argoproj/argo-cd/\(version)/manifests/install.yaml"
    }
    /// Whether `location` is where Argo CD publishes the install manifest of `version` (``manifestURL(version:)``):
    /// then the install is what `kustomize build manifests/cluster-install` makes at that tag of Argo CD's repository,
    /// which Argo CD can follow to manage itself. A fork, a mirror or a file of the repository has no such source.
    public static func isUpstreamManifest(_ location: String, version: String) -> Bool {
        location == manifestURL(version: version)
    }
    /// The SHA-256 (hex) of the default version's install manifest, as Terrace ships it.
    public static let defaultSHA256 = "795a3a972224da6a7f9d32c3e946445f062b60fb46028476715affeb688236e3"
    /// The namespace Argo CD goes to unless told otherwise.
    public static let defaultNamespace = "argocd"
    /// The condition each CRD must report `True` before the other objects are applied.
    public static let establishedCondition = "Established"

    /// The `argocd-cm` key of the Application health check.
    public static let applicationHealthKey = "resource.customizations.health.argoproj.io_Application"
    /// The Lua health check Argo CD's documentation gives for app-of-apps (operator-manual/health.md, "Argocd App"):
    /// an Application's health is the health its own status reports, and `Progressing` until it reports one.
    public static let applicationHealthScript = """
        hs = {}
        hs.status = "Progressing"
        hs.message = ""
        if obj.status ~= nil then
          if obj.status.health ~= nil then
            hs.status = obj.status.health.status
            if obj.status.health.message ~= nil then
              hs.message = obj.status.health.message
            end
          end
        end
        return hs

        """

    /// A Deployment or StatefulSet to wait for.
    public struct Workload: Hashable, Sendable, CustomStringConvertible {
        /// `apps/v1`.
        public var apiVersion: String
        /// `Deployment` or `StatefulSet`.
        public var kind: String
        /// Its namespace.
        public var namespace: String
        /// Its name.
        public var name: String

        /// Creates a workload reference.
        public init(apiVersion: String, kind: String, namespace: String, name: String) {
            self.apiVersion = apiVersion
            self.kind = kind
            self.namespace = namespace
            self.name = name
        }

        /// `apps/v1 Deployment argocd/argocd-server`.
        public var description: String { "\(apiVersion) \(kind) \(namespace)/\(name)" }
    }

    /// The Argo CD version (the pin), as given.
    public let version: String
    /// The namespace everything namespaced goes to.
    public let namespace: String
    /// Argo CD's URL, Ingress and single sign-on; nil for none (no Ingress, the ConfigMaps as the manifest has them).
    public let access: Access?
    /// The manifest's SHA-256, 64 lowercase hex digits (equal to the expected one).
    public let sha256: String
    /// Phase 1: the Namespace Terrace adds (the upstream manifest has none).
    public let namespaceObject: Value
    /// Phase 2: the CustomResourceDefinitions, by name; apply them and wait for ``establishedCondition``.
    public let customResourceDefinitions: [Value]
    /// Phase 3: every other object, namespaced ones in ``namespace``, in ``kindOrder`` then by name.
    public let resources: [Value]
    /// The Deployments and StatefulSets of ``resources``, to wait for once applied.
    public let workloads: [Workload]

    /// The three phases, in the order they are applied.
    public var phases: [[Value]] { [[namespaceObject], customResourceDefinitions, resources] }
    /// Every object, in the order they are applied.
    public var objects: [Value] { phases.flatMap { $0 } }

    /// Checks and transforms an install manifest.
    /// - Parameters:
    ///   - manifest: the manifest file's bytes, exactly as fetched (the digest is computed over them).
    ///   - version: the version it is, for outputs and messages.
    ///   - sha256: the SHA-256 it must have, in hex (either case; surrounding spaces and a `sha256:` prefix are
    ///     accepted).
    ///   - namespace: where Argo CD goes.
    ///   - access: Argo CD's URL, Ingress and single sign-on, if any.
    ///   - source: where the manifest came from (a URL or path), for messages.
    /// - Throws: ``KubernetesError``: `checksumMismatch` (before anything is parsed), `invalidChecksum`,
    ///   `invalidManifest`, `invalidName`, `invalid` (an access URL that cannot be served), or `missingObject` when
    ///   there is no `argocd-cm` ConfigMap (or, with an access, no Service `argocd-server` with a port `http`).
    public init(
        manifest: [UInt8], version: String, sha256 expected: String, namespace: String = ArgoCDInstall.defaultNamespace,
        access: Access? = nil, source: String? = nil
    ) throws(KubernetesError) {
        let expectedDigest = try Self.normalizedDigest(expected)
        let actual = Self.hexSHA256(manifest)
        guard actual == expectedDigest else {
            let what = "the Argo CD \(version) install manifest" + (source.map { " from \($0)" } ?? "")
            throw KubernetesError(
                .checksumMismatch,
                "\(what) has SHA-256 \(actual), but \(expectedDigest) is expected; nothing was applied",
                hint: "if the file changed on purpose (another version or a patched manifest), check it and set "
                    + "`addons.argocd.sha256` to its digest (`sha256sum FILE`); otherwise fetch it again from the "
                    + "upstream release")
        }
        try Self.checkDNSLabel(namespace, what: "the Argo CD namespace")
        guard !version.isEmpty else {
            throw KubernetesError(.invalidManifest, "the Argo CD version is empty", hint: "pin a version such as \(Self.defaultVersion)")
        }
        let parsed = try Self.parseDocuments(String(decoding: manifest, as: UTF8.self))
        let transformed = try Self.transform(parsed, namespace: namespace, access: access)
        self.version = version
        self.namespace = namespace
        self.access = access
        self.sha256 = actual
        self.namespaceObject = Self.namespaceObject(namespace)
        self.customResourceDefinitions = transformed.crds
        self.resources = transformed.resources
        self.workloads = transformed.resources.compactMap { object in
            guard case .map(let entries) = object, case .string(let kind)? = entries["kind"],
                kind == "Deployment" || kind == "StatefulSet", case .string(let apiVersion)? = entries["apiVersion"],
                let name = Self.metadataString(object, "name")
            else { return nil }
            return Workload(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
        }
    }

    /// Checks and transforms an install manifest given as text (its UTF-8 bytes are what the digest covers).
    public init(
        manifest: String, version: String, sha256 expected: String, namespace: String = ArgoCDInstall.defaultNamespace,
        access: Access? = nil, source: String? = nil
    ) throws(KubernetesError) {
        try self.init(
            manifest: Array(manifest.utf8), version: version, sha256: expected, namespace: namespace, access: access,
            source: source)
    }

    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func hexSHA256(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// `expected` as 64 lowercase hex digits.
    static func normalizedDigest(_ expected: String) throws(KubernetesError) -> String {
        var text = Substring(expected.lowercased())
        while let first = text.first, first == " " || first == "\n" || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\n" || last == "\t" { text = text.dropLast() }
        if text.hasPrefix("sha256:") { text = text.dropFirst("sha256:".count) }
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw KubernetesError(
                .invalidChecksum, "the expected SHA-256 of the Argo CD manifest is not 64 hex digits",
                hint: "give the file's digest as `sha256sum` prints it")
        }
        return String(text)
    }

    /// The Namespace object Terrace adds.
    static func namespaceObject(_ namespace: String) -> Value {
        [
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": ["name": .string(namespace), "labels": ["app.kubernetes.io/managed-by": "terrace"]],
        ]
    }

    /// `metadata.<key>` of an object, when it is a string.
    static func metadataString(_ object: Value, _ key: String) -> String? {
        guard case .map(let entries) = object, case .map(let metadata)? = entries["metadata"],
            case .string(let text)? = metadata[key]
        else { return nil }
        return text
    }

    /// Refuses a name that is not an RFC 1123 label (what Kubernetes requires of a namespace).
    static func checkDNSLabel(_ name: String, what: String) throws(KubernetesError) {
        let bytes = Array(name.utf8)
        let allowed = bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
        guard !bytes.isEmpty, bytes.count <= 63, allowed, bytes.first != 45, bytes.last != 45 else {
            throw KubernetesError(
                .invalidName, "\(what) `\(name)` is not a valid Kubernetes name",
                hint: "use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit")
        }
    }
}
