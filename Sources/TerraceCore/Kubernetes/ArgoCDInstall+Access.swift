import Foundation

extension ArgoCDInstall {
    /// How people reach Argo CD and sign in to it: its URL behind the cluster's ingress controller, the cert-manager
    /// issuer of its certificate, and single sign-on through an OIDC provider (Keycloak).
    ///
    /// With an access, the install:
    /// - sets `url` in `argocd-cm`, and `server.insecure: "true"` in `argocd-cmd-params-cm` (TLS ends at the ingress,
    ///   which talks plain HTTP to the server);
    /// - adds the `networking.k8s.io/v1` Ingress ``ingressName`` for the URL's host, to the Service `argocd-server`'s
    ///   port `http`; with a ``tlsIssuer``, with `tls` (Secret ``tlsSecretName``) and the
    ///   `cert-manager.io/cluster-issuer` annotation;
    /// - with ``oidc``, writes `oidc.config` in `argocd-cm`, and `policy.csv` (the ``adminGroup`` gets `role:admin`)
    ///   and `scopes: "[groups]"` in `argocd-rbac-cm`.
    ///
    /// Keys Terrace does not set stay as the manifest has them; a `policy.csv` the manifest has keeps its lines.
    public struct Access: Hashable, Sendable {
        /// Single sign-on through an OIDC provider.
        public struct OIDC: Hashable, Sendable {
            /// The provider's name on Argo CD's login button.
            public var name: String
            /// The issuer URL (for Keycloak, `https://<host>/realms/<realm>`).
            public var issuer: String
            /// The OIDC client id.
            public var clientID: String
            /// The client secret as Argo CD reads it: a reference such as `$argocd-oidc:clientSecret` (the key
            /// `clientSecret` of the Secret `argocd-oidc`, labelled `app.kubernetes.io/part-of: argocd`), never a
            /// secret value.
            public var clientSecret: String
            /// The scopes Argo CD requests.
            public var requestedScopes: [String]

            /// Creates an OIDC configuration.
            public init(
                name: String = "Keycloak", issuer: String, clientID: String, clientSecret: String,
                requestedScopes: [String] = ["openid", "profile", "email", "groups"]
            ) {
                self.name = name
                self.issuer = issuer
                self.clientID = clientID
                self.clientSecret = clientSecret
                self.requestedScopes = requestedScopes
            }
        }

        /// Argo CD's external URL, `https://<host>` (a path is not supported).
        public var url: String
        /// The cert-manager `ClusterIssuer` of the Ingress's certificate; nil for an Ingress without `tls`.
        public var tlsIssuer: String?
        /// Single sign-on; nil for none.
        public var oidc: OIDC?

        /// Creates an access.
        public init(url: String, tlsIssuer: String? = nil, oidc: OIDC? = nil) {
            self.url = url
            self.tlsIssuer = tlsIssuer
            self.oidc = oidc
        }

        /// The access an `argocd` unit's inputs describe: `url`, `tls_issuer` and `oidc` (`{issuer, client_id,
        /// client_secret}`); nil without a `url` (null or absent).
        /// - Throws: ``KubernetesError`` (`invalid`) for an `oidc` without a `url`, or without its three strings.
        public init?(inputs: [String: Value]) throws(KubernetesError) {
            let oidc = inputs["oidc"].flatMap { $0 == .null ? nil : $0 }
            guard let url = inputs["url"]?.stringValue else {
                guard oidc == nil else {
                    throw KubernetesError(
                        .invalid, "the `argocd` unit has `oidc` but no `url`", hint: "single sign-on needs Argo CD's URL")
                }
                return nil
            }
            self.init(url: url, tlsIssuer: inputs["tls_issuer"]?.stringValue)
            if let oidc {
                guard let issuer = oidc["issuer"]?.stringValue, let clientID = oidc["client_id"]?.stringValue,
                    let clientSecret = oidc["client_secret"]?.stringValue
                else {
                    throw KubernetesError(
                        .invalid, "the `argocd` unit's `oidc` needs the strings `issuer`, `client_id` and `client_secret`")
                }
                self.oidc = OIDC(issuer: issuer, clientID: clientID, clientSecret: clientSecret)
            }
        }

        /// The host of ``url``.
        /// - Throws: ``KubernetesError`` (`invalid`) when the URL is not `http(s)://<host>` with a host an Ingress
        ///   rule accepts (a lowercase DNS name).
        public func host() throws(KubernetesError) -> String {
            var rest = Substring(url)
            if rest.hasPrefix("https://") {
                rest = rest.dropFirst("https://".count)
            } else if rest.hasPrefix("http://") {
                rest = rest.dropFirst("http://".count)
            } else {
                throw invalidURL("it is not an `https://` URL")
            }
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            let host = String(rest)
            guard !host.contains("/") else { throw invalidURL("it has a path, which Terrace does not support") }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            let validLabels = labels.allSatisfy { label in
                let bytes = Array(label.utf8)
                return !bytes.isEmpty && bytes.count <= 63 && bytes.first != 45 && bytes.last != 45
                    && bytes.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
            }
            guard !host.isEmpty, host.utf8.count <= 253, labels.count >= 2, validLabels else {
                throw invalidURL("its host is not a lowercase DNS name")
            }
            return host
        }

        private func invalidURL(_ problem: String) -> KubernetesError {
            KubernetesError(
                .invalid, "Argo CD's URL `\(url)` cannot be served: \(problem)",
                hint: "the URL is `https://argocd.<domain>`: check the `domain` section's name")
        }
    }

    /// The name of the Ingress (and of the Service it routes to).
    public static let ingressName = "argocd-server"
    /// The Service port the Ingress routes to (Argo CD's plain HTTP port).
    public static let ingressServicePort = "http"
    /// The Secret cert-manager writes the Ingress's certificate to.
    public static let tlsSecretName = "argocd-server-tls"
    /// The annotation that asks cert-manager for the Ingress's certificate.
    public static let clusterIssuerAnnotation = "cert-manager.io/cluster-issuer"
    /// The group of the OIDC provider whose members are Argo CD admins.
    public static let adminGroup = "admins"
    /// The line of `policy.csv` that makes ``adminGroup`` admins.
    public static let adminPolicy = "g, \(adminGroup), role:admin"
    /// The ConfigMap of the server's command-line parameters.
    public static let commandParametersConfigMap = "argocd-cmd-params-cm"
    /// The ConfigMap of Argo CD's RBAC.
    public static let rbacConfigMap = "argocd-rbac-cm"

    /// The objects of `resources` with `access` applied: the three ConfigMaps changed (added, labelled like
    /// upstream's, when the manifest lacks one) and the Ingress added.
    /// - Throws: ``KubernetesError``: `invalid` for a URL that cannot be served; `missingObject` when the manifest has
    ///   no Service `argocd-server` with a port `http`; `invalidManifest` when it already has an Ingress
    ///   `argocd-server`.
    static func applying(_ access: Access, to resources: [Value], namespace: String) throws(KubernetesError) -> [Value] {
        let host = try access.host()
        func isObject(_ object: Value, _ apiVersion: String, _ kind: String, _ name: String) -> Bool {
            object["apiVersion"]?.stringValue == apiVersion && object["kind"]?.stringValue == kind
                && metadataString(object, "name") == name
        }
        let service = resources.first { isObject($0, "v1", "Service", ingressName) }
        let ports = service?["spec"]?["ports"]?.listValue ?? []
        guard ports.contains(where: { $0["name"]?.stringValue == ingressServicePort }) else {
            throw KubernetesError(
                .missingObject,
                "the manifest has no Service `\(ingressName)` with a port `\(ingressServicePort)`, which Argo CD's Ingress needs",
                hint: "point `addons.argocd.manifest` at Argo CD's manifests/install.yaml")
        }
        guard !resources.contains(where: { isObject($0, "networking.k8s.io/v1", "Ingress", ingressName) }) else {
            throw KubernetesError(
                .invalidManifest, "the manifest already has an Ingress `\(ingressName)`, which Terrace makes for Argo CD's URL",
                object: "networking.k8s.io/v1 Ingress \(namespace)/\(ingressName)")
        }
        var settings: [String: [String: String]] = [
            "argocd-cm": ["url": access.url],
            commandParametersConfigMap: ["server.insecure": "true"],
        ]
        if let oidc = access.oidc {
            settings["argocd-cm"]?["oidc.config"] = oidcConfig(oidc)
            settings[rbacConfigMap] = ["scopes": "[groups]"]
        }
        var result: [Value] = []
        var pending = settings
        for object in resources {
            guard object["apiVersion"]?.stringValue == "v1", object["kind"]?.stringValue == "ConfigMap",
                let name = metadataString(object, "name"), let data = pending.removeValue(forKey: name)
            else {
                result.append(object)
                continue
            }
            result.append(configMap(object, merging: data, policy: name == rbacConfigMap && access.oidc != nil))
        }
        for name in pending.keys.sorted() {
            guard let data = pending[name] else { continue }
            let object: Value = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": [
                    "name": .string(name), "namespace": .string(namespace),
                    "labels": ["app.kubernetes.io/name": .string(name), "app.kubernetes.io/part-of": "argocd"],
                ],
            ]
            result.append(configMap(object, merging: data, policy: name == rbacConfigMap && access.oidc != nil))
        }
        result.append(ingress(host: host, tlsIssuer: access.tlsIssuer, namespace: namespace))
        return result
    }

    /// `configMap` with `data` set over its own, and with ``adminPolicy`` added to its `policy.csv` when `policy`.
    private static func configMap(_ configMap: Value, merging data: [String: String], policy: Bool) -> Value {
        guard case .map(var entries) = configMap else { return configMap }
        var merged: [String: Value] = [:]
        if case .map(let existing)? = entries["data"] { merged = existing }
        for (key, value) in data { merged[key] = .string(value) }
        if policy {
            let existing = merged["policy.csv"]?.stringValue ?? ""
            let lines = existing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            if !lines.contains(adminPolicy) {
                let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
                merged["policy.csv"] = .string(existing + separator + adminPolicy)
            }
        }
        entries["data"] = .map(merged)
        return .map(entries)
    }

    /// `oidc.config`'s YAML text: every string double-quoted (so that no value is read as a number or a boolean).
    static func oidcConfig(_ oidc: Access.OIDC) -> String {
        let scopes = oidc.requestedScopes.map(yamlQuoted).joined(separator: ", ")
        return """
            name: \(yamlQuoted(oidc.name))
            issuer: \(yamlQuoted(oidc.issuer))
            clientID: \(yamlQuoted(oidc.clientID))
            clientSecret: \(yamlQuoted(oidc.clientSecret))
            requestedScopes: [\(scopes)]

            """
    }

    /// `text` as a YAML double-quoted scalar: a JSON string (``Value/canonicalJSON``), whose escapes YAML reads the
    /// same.
    static func yamlQuoted(_ text: String) -> String {
        Value.string(text).canonicalJSON
    }

    /// The Ingress for `host` to the Service ``ingressName``'s port ``ingressServicePort``; with `tlsIssuer`, with a
    /// certificate from cert-manager in ``tlsSecretName``. It names no class: the cluster's default class serves it.
    static func ingress(host: String, tlsIssuer: String?, namespace: String) -> Value {
        var metadata: [String: Value] = [
            "name": .string(ingressName), "namespace": .string(namespace),
            "labels": [
                "app.kubernetes.io/name": .string(ingressName), "app.kubernetes.io/component": "server",
                "app.kubernetes.io/part-of": "argocd", "app.kubernetes.io/managed-by": "terrace",
            ],
        ]
        var spec: [String: Value] = [
            "rules": [
                [
                    "host": .string(host),
                    "http": [
                        "paths": [
                            [
                                "path": "/", "pathType": "Prefix",
                                "backend": [
                                    "service": ["name": .string(ingressName), "port": ["name": .string(ingressServicePort)]]
                                ],
                            ]
                        ]
                    ],
                ]
            ]
        ]
        if let tlsIssuer {
            metadata["annotations"] = [clusterIssuerAnnotation: .string(tlsIssuer)]
            spec["tls"] = [["hosts": [.string(host)], "secretName": .string(tlsSecretName)]]
        }
        return ["apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": .map(metadata), "spec": .map(spec)]
    }
}
