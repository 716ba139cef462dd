/// A cluster Terrace did not create, reached through a kubeconfig: `kubernetes: {existing: {kubeconfig, context}}`.
///
/// The path is read when a unit runs, never stored, and kept out of every digest: moving the file or switching
/// machines does not make units apply again.
public struct ExistingCluster: Hashable, Sendable {
    /// The kubeconfig file, absolute (`~` expanded when the manifest is loaded), or nil for `$KUBECONFIG`, else
    /// `~/.kube/config`.
    public var kubeconfig: String?
    /// The context to use; nil for the kubeconfig's `current-context`.
    public var context: String?
    /// Where `existing` is written, for errors.
    public var location: SourceLocation

    /// Creates the settings.
    public init(kubeconfig: String? = nil, context: String? = nil, location: SourceLocation) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.location = location
    }
}
