/// A step of running Terraform for a unit, reported as progress.
public enum UnitPhase: String, Codable, Hashable, Sendable {
    case `init`
    case plan
    case apply
    case output
    case destroy
    /// Waiting for what a Kubernetes unit applied to become ready (Argo CD available, an app Synced and Healthy).
    case wait
}
