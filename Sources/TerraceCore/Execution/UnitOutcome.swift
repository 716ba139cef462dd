/// How a unit ended in a run.
public enum UnitOutcome: String, Codable, Hashable, Sendable, CaseIterable {
    /// Terraform applied it.
    case applied
    /// Its desired state was already applied: no Terraform ran.
    case unchanged
    /// Terraform failed; its record is untouched.
    case failed
    /// Not run because a unit it depends on failed.
    case blocked
    /// Terraform destroyed it and its record was removed.
    case destroyed
}
