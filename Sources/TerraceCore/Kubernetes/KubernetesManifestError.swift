/// A Kubernetes manifest Terrace cannot use (a checksum that does not match, YAML that is not a list of objects, a
/// name Kubernetes would refuse): a code for programs, a message safe to show, the object it concerns, and what to do.
///
/// Messages hold digests, kinds and names only, never the manifest's content (which may hold secrets).
public struct KubernetesManifestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Hashable, Sendable {
        /// The manifest's SHA-256 is not the expected one.
        case checksumMismatch
        /// The expected SHA-256 is not 64 hex digits.
        case invalidChecksum
        /// The manifest is not YAML, or a document is not a Kubernetes object.
        case invalidManifest
        /// A name, namespace, label or annotation key that Kubernetes would refuse.
        case invalidName
        /// An object the manifest must hold is missing (`argocd-cm`).
        case missingObject
    }

    /// The kind of problem.
    public var code: Code
    /// A one-line message, safe to show.
    public var message: String
    /// The object concerned, as `v1 ConfigMap argocd/argocd-cm`, when there is one.
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
