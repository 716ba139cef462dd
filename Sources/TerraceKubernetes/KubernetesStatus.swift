import TerraceCore

/// A `Status` object the API server answers a failed request with, and the ``KubernetesError`` it becomes.
public struct KubernetesStatus: Hashable, Sendable {
    /// One cause of an `Invalid` or `BadRequest` answer.
    public struct Cause: Hashable, Sendable {
        /// The cause's reason, `FieldValueInvalid`.
        public var reason: String?
        /// What is wrong.
        public var message: String
        /// The field concerned, `spec.replicas`.
        public var field: String?
    }

    /// The HTTP status code.
    public var code: Int
    /// The machine reason: `NotFound`, `Conflict`, `Invalid`, `AlreadyExists`, `Forbidden`, …
    public var reason: String?
    /// The server's message.
    public var message: String?
    /// The causes listed in `details.causes`.
    public var causes: [Cause]

    /// Reads a `Status` body; a body that is not one gives a status with only the code.
    public init(code: Int, body: [UInt8]) {
        self.code = code
        let value = Value.parseJSON(body)
        let isStatus = value?["kind"]?.stringValue == "Status"
        reason = isStatus ? value?["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } : nil
        message = isStatus ? value?["message"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } : nil
        causes = (isStatus ? value?["details"]?["causes"]?.listValue ?? [] : []).map { cause in
            Cause(
                reason: cause["reason"]?.stringValue, message: cause["message"]?.stringValue ?? "",
                field: cause["field"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// The error to report, naming `object` (or the request) and saying what to do next.
    /// - Parameters:
    ///   - object: the object concerned, when there is one.
    ///   - action: what was being done, `apply`, `get`, `delete`, for messages.
    ///   - forced: whether the apply took ownership of conflicting fields.
    public func error(object: ObjectReference?, action: String, forced: Bool = true) -> KubernetesError {
        let name = object?.description
        let said = message ?? "the server answered HTTP \(code)"
        switch (reason, code) {
        case ("NotFound", _), (nil, 404):
            return KubernetesError(
                .notFound, message ?? "not found", object: name,
                hint: action == "apply"
                    ? "create its namespace first, or check that the kind's CRD is installed"
                    : "check the name and namespace")
        case ("AlreadyExists", _):
            return KubernetesError(.conflict, said, object: name, hint: "choose another name or delete the existing object")
        case ("Conflict", _), (nil, 409):
            let hint =
                forced
                ? "another writer changed the object meanwhile: run again"
                : "another field manager owns these fields: apply with force to take them over, or stop setting them"
            return KubernetesError(.conflict, said, object: name, hint: hint)
        case ("Invalid", _), (nil, 422):
            let detail = causes.isEmpty ? said : causes.map(\.text).joined(separator: "; ")
            return KubernetesError(.invalid, detail, object: name, hint: "fix the object in the manifest and apply again")
        case ("BadRequest", _), (nil, 400):
            return KubernetesError(.invalid, said, object: name, hint: "fix the object in the manifest: unknown or malformed fields are refused")
        case ("Unauthorized", _), (nil, 401):
            return KubernetesError(
                .unauthorized, "the cluster refused the credentials (HTTP 401)", object: name,
                hint: "check the kubeconfig user or the identity Terrace runs as")
        case ("Forbidden", _), (nil, 403):
            return KubernetesError(.unauthorized, said, object: name, hint: "grant the identity Terrace runs as the permission to \(action) it")
        case ("Timeout", _), (nil, 504), ("ServerTimeout", _):
            return KubernetesError(.timeout, said, object: name, hint: "the API server is slow or overloaded: run again")
        case ("TooManyRequests", _), (nil, 429):
            return KubernetesError(.server, said, object: name, hint: "the API server is throttling requests: run again later")
        case ("MethodNotAllowed", _), (nil, 405):
            return KubernetesError(.invalid, said, object: name, hint: "the resource does not allow \(action)")
        default:
            return KubernetesError(
                code >= 500 ? .server : .invalid, said, object: name,
                hint: code >= 500 ? "the API server failed: run again, and check the cluster's health if it persists" : nil)
        }
    }
}

extension KubernetesStatus.Cause {
    /// `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
    var text: String {
        guard let field, !message.hasPrefix(field) else { return message }
        return "\(field): \(message)"
    }
}
