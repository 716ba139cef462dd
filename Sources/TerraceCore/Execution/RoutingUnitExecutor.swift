/// Runs each unit through the executor of its kind: units that run in a cluster (``ModuleSource/kubernetes(_:)``)
/// through `kubernetes`, every other unit through `terraform`. The engine, the planner and the drift check see one
/// executor.
public struct RoutingUnitExecutor: UnitExecutor {
    /// Runs Terraform units.
    public var terraform: any UnitExecutor
    /// Runs the `argocd` unit and apps.
    public var kubernetes: any UnitExecutor

    /// Creates a router.
    public init(terraform: any UnitExecutor, kubernetes: any UnitExecutor) {
        self.terraform = terraform
        self.kubernetes = kubernetes
    }

    private func executor(for job: UnitJob) -> any UnitExecutor { job.isKubernetes ? kubernetes : terraform }

    public func plan(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary {
        try await executor(for: job).plan(job, progress: progress)
    }

    public func apply(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        try await executor(for: job).apply(job, progress: progress)
    }

    public func destroy(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) {
        try await executor(for: job).destroy(job, progress: progress)
    }

    public func review(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview {
        try await executor(for: job).review(job, progress: progress)
    }

    public func applyReviewed(
        _ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> UnitOutputs {
        try await executor(for: job).applyReviewed(job, plan: plan, progress: progress)
    }

    public func discardReviewed(_ job: UnitJob, plan: UnitReview) async {
        await executor(for: job).discardReviewed(job, plan: plan)
    }
}
