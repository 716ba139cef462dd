/// Runs Terraform (or OpenTofu) for single units. `TerraceTerraform.TerraformExecutor` forks the real binary;
/// ``InMemoryUnitExecutor`` serves tests without forking anything.
public protocol UnitExecutor: Sendable {
    /// Plans the unit (init, plan) and returns what Terraform would change.
    func plan(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary
    /// Applies the unit (init, plan, apply, output) and returns its outputs.
    func apply(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs
    /// Destroys everything the unit's state holds.
    func destroy(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure)
}
