/// Whether an object a unit applied is ready, read from its status as its controller reports it.
///
/// Kinds whose controllers report a `Ready` condition (cert-manager's issuers and certificates, External Secrets'
/// stores and secrets, CloudNativePG's `Cluster`, Keycloak's operator `Keycloak`) are ready when it is `True`; a `KeycloakRealmImport` when `Done` is; a Job
/// when `Complete` is `True`, and it has failed when `Failed` is. Other kinds (ConfigMaps, Secrets, Ingresses…) are
/// ready once applied.
public enum ObjectReadiness: Hashable, Sendable {
    /// Ready.
    case ready
    /// Failed for good, with the controller's message.
    case failed(String)
    /// Not yet, with what was seen.
    case waiting(String)

    /// The kinds (`group/Kind`) that report a `Ready` condition.
    public static let readyConditionKinds: Set<String> = [
        "cert-manager.io/ClusterIssuer", "cert-manager.io/Issuer", "cert-manager.io/Certificate",
        "external-secrets.io/ClusterSecretStore", "external-secrets.io/SecretStore", "external-secrets.io/ExternalSecret",
        "postgresql.cnpg.io/Cluster", "k8s.keycloak.org/Keycloak",
    ]

    /// Whether Terrace waits for `object` (by its kind) after applying it.
    public static func isAwaited(_ object: Value) -> Bool {
        guard let kind = object["kind"]?.stringValue, let apiVersion = object["apiVersion"]?.stringValue else { return false }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        return readyConditionKinds.contains("\(group)/\(kind)") || (group == "batch" && kind == "Job")
            || (group == "k8s.keycloak.org" && kind == "KeycloakRealmImport")
    }

    /// The readiness of `live`, an awaited object as the server returns it.
    public static func of(_ live: Value) -> ObjectReadiness {
        let conditions = live["status"]?["conditions"]?.listValue ?? []
        func condition(_ type: String) -> Value? { conditions.first { $0["type"]?.stringValue == type } }
        func describe(_ condition: Value) -> String {
            let reason = condition["reason"]?.stringValue.map { " (\($0))" } ?? ""
            let message = condition["message"]?.stringValue.map { ": \($0)" } ?? ""
            return "\(condition["type"]?.stringValue ?? "?")=\(condition["status"]?.stringValue ?? "?")\(reason)\(message)"
        }
        if live["kind"]?.stringValue == "KeycloakRealmImport" {
            // The operator reports an import as Done (or HasErrors), never Ready.
            if let errors = condition("HasErrors"), errors["status"]?.stringValue == "True" { return .failed(describe(errors)) }
            if let done = condition("Done"), done["status"]?.stringValue == "True" { return .ready }
            return .waiting("the import is not done yet")
        }
        if live["kind"]?.stringValue == "Job" {
            if let failed = condition("Failed"), failed["status"]?.stringValue == "True" { return .failed(describe(failed)) }
            if let complete = condition("Complete"), complete["status"]?.stringValue == "True" { return .ready }
            return .waiting("not complete yet")
        }
        if let generation = live["metadata"]?["generation"], let observed = live["status"]?["observedGeneration"],
            generation != observed
        {
            return .waiting("its controller has not seen the newest generation yet")
        }
        guard let ready = condition("Ready") else { return .waiting("no Ready condition yet") }
        if let generation = live["metadata"]?["generation"], let observed = ready["observedGeneration"], generation != observed {
            return .waiting("its controller has not seen the newest generation yet")
        }
        return ready["status"]?.stringValue == "True" ? .ready : .waiting(describe(ready))
    }
}
