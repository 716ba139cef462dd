/// What a review run found so far: each changed unit's plan, the units left for a follow-up run, and, when
/// applying reviewed plans, the units whose plan no longer matched.
actor ReviewBoard {
    private(set) var plans: [UnitReview] = []
    private(set) var deferred: [String] = []
    private(set) var stale: [String] = []

    /// Adds a unit's plan.
    func add(_ plan: UnitReview) { plans.append(plan) }
    /// Leaves `unit` for a follow-up run.
    func postpone(_ unit: String) { deferred.append(unit) }
    /// Notes that the reviewed plan of `unit` no longer matched.
    func markStale(_ unit: String) { stale.append(unit) }

    /// Whether `unit` changes in this review (planned or left for later).
    func changes(_ unit: String) -> Bool { deferred.contains(unit) || plans.contains { $0.unit == unit } }
}
