/// Runs Terraform (or OpenTofu) for single units. `TerraceTerraform.TerraformExecutor` forks the real binary;
/// ``InMemoryUnitExecutor`` serves tests without forking anything.
public protocol UnitExecutor: Sendable {
    /// Plans the unit (init, plan) and returns what Terraform would change.
    func plan(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary
    /// Applies the unit (init, plan, apply, output) and returns its outputs.
    func apply(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs
    /// Destroys everything the unit's state holds.
    func destroy(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure)
    /// Plans the unit for review and keeps the plan (Terraform's saved plan file, a Kubernetes unit's rendered
    /// objects) so that ``applyReviewed(_:plan:progress:)`` applies exactly it. The returned review's
    /// `desiredDigest` is left empty: the engine fills it.
    func review(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview
    /// Applies the plan kept by ``review(_:progress:)``, exactly: when the plan no longer matches (state moved, the
    /// saved plan is gone or altered), throws `.stalePlan` and changes nothing.
    func applyReviewed(_ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs
    /// Removes a plan kept by ``review(_:progress:)`` that will not be applied.
    func discardReviewed(_ job: UnitJob, plan: UnitReview) async
}
