/// A Kubernetes problem: of the driver talking to a cluster, or of a manifest Terrace cannot use. A code for programs
/// (hidden from people), a message safe to show (never a token, key, credential or a manifest's content), the object
/// it concerns, and what to do next.
public struct KubernetesError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure it is.
    public enum Code: String, Hashable, Sendable {
        /// The object or resource does not exist (`NotFound`).
        case notFound
        /// Another field manager owns a field, or the object changed meanwhile (`Conflict`).
        case conflict
        /// The object was rejected as invalid (`Invalid`, `BadRequest`, unknown fields under strict validation).
        case invalid
        /// The credentials were refused (401) or lack a permission (403).
        case unauthorized
        /// The server could not be reached, or the connection dropped.
        case unreachable
        /// A wait or request ran out of time.
        case timeout
        /// The server failed (5xx) or answered something that is not the API.
        case server
        /// The kubeconfig or cluster settings are wrong.
        case configuration
        /// Credentials could not be obtained (an `exec` plugin failed, an EKS token could not be signed).
        case credentials
        /// A manifest's SHA-256 is not the expected one.
        case checksumMismatch
        /// An expected SHA-256 is not 64 hex digits.
        case invalidChecksum
        /// A manifest is not YAML, or a document is not a Kubernetes object.
        case invalidManifest
        /// A name, namespace, label or annotation key that Kubernetes would refuse.
        case invalidName
        /// An object a manifest must hold is missing (`argocd-cm`).
        case missingObject
    }

    /// The kind of failure.
    public var code: Code
    /// A one-line message, safe to show.
    public var message: String
    /// The object concerned, as `apps/v1 Deployment argocd/argocd-server`, when there is one.
    public var object: String?
    /// What to do next, when something helps.
    public var hint: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, object: String? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.object = object
        self.hint = hint
    }

    /// `object: message (hint: ...)`.
    public var description: String {
        var text = object.map { "\($0): \(message)" } ?? message
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
