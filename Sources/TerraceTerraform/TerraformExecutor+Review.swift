import Foundation
import TerraceCore

extension TerraformExecutor {
    /// Where reviewed plans are kept: `<workRoot>/.plans/<runID>/<infrastructure>/<unit>.tfplan`, outside the
    /// units' working directories (which each run refreshes).
    public var reviewedPlanRoot: String { workRoot + "/.plans" }

    /// The path of a kept plan from its id (`<run>/<infrastructure>/<unit>.tfplan`); an id that is empty or climbs out
    /// of the plan folder names a path that never exists.
    func reviewedPlanPath(_ planID: String) -> String {
        let parts = planID.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0 != ".." && $0 != "." }), planID.hasSuffix(".tfplan") else {
            return reviewedPlanRoot + "/(invalid plan id)/none.tfplan"
        }
        return reviewedPlanRoot + "/" + planID
    }

    /// Plans the unit (`plan -out`) into a kept plan file and reads it with `show -json`: every resource and output
    /// change with its attribute diff. The file stays until ``applyReviewed(_:plan:progress:)`` applies it or
    /// ``discardReviewed(_:plan:)`` removes it; its SHA-256 ties the review to it.
    public func review(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview {
        try await job.withinTimeout { () async throws(UnitFailure) -> UnitReview in try await reviewUnit(job, progress: progress) }
    }

    /// Applies the kept plan with `apply PLANFILE`, within the job's timeout (see ``applyReviewedUnit(_:plan:progress:)``).
    public func applyReviewed(
        _ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> UnitOutputs {
        try await job.withinTimeout { () async throws(UnitFailure) -> UnitOutputs in
            try await applyReviewedUnit(job, plan: plan, progress: progress)
        }
    }

    /// Plans the unit into a kept plan file (see ``review(_:progress:)``).
    func reviewUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview {
        let context = try prepare(job)
        try await initialize(context, progress: progress)
        let planID = "\(job.runID)/\(job.infrastructure)/\(job.unit).tfplan"
        let path = reviewedPlanPath(planID)
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw UnitFailure(.setup, phase: .plan, "cannot make the folder for the saved plan of `\(job.unit)`", logPath: context.log.path)
        }
        _ = try await runPlan(context, planFile: path, progress: progress)
        let json = try await showPlan(context, planFile: path)
        let summary = try readPlan(context, json, TerraformJSON.resourceSummary(planJSON:))
        let changes = try readPlan(context, json, TerraformJSON.changes(planJSON:))
        guard let digest = Self.digest(ofFile: path) else {
            throw UnitFailure(.setup, phase: .plan, "the saved plan of `\(job.unit)` cannot be read back", logPath: context.log.path)
        }
        context.log.append("==> saved plan kept for review: \(summary) (\(digest.prefix(19)))")
        return UnitReview(unit: job.unit, summary: summary, changes: changes, planID: planID, planDigest: digest, desiredDigest: "")
    }

    /// Applies the kept plan with `apply PLANFILE`, exactly as reviewed. A plan file that is gone or whose SHA-256
    /// differs from the review, or that Terraform finds stale (the state changed since it was planned), throws
    /// `.stalePlan` with nothing applied; the file is removed in every case.
    func applyReviewedUnit(
        _ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> UnitOutputs {
        let context = try prepare(job)
        let path = reviewedPlanPath(plan.planID)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard Self.digest(ofFile: path) == plan.planDigest else {
            throw UnitFailure(
                .stalePlan, phase: .apply, "the saved plan of `\(job.unit)` is gone or was altered since it was reviewed: nothing applied",
                logPath: context.log.path)
        }
        try await initialize(context, progress: progress)
        progress(.apply)
        context.log.append("==> applying the approved plan (\(plan.planDigest.prefix(19)))")
        let outcome = try await runWithRetries(
            ["apply", "-input=false", "-no-color", "-lock-timeout=\(job.lockTimeoutSeconds)s", path], phase: .apply, context: context)
        guard outcome.exitCode == 0 else {
            if TerraformDiagnostics.isStalePlan(outcome.output) {
                throw UnitFailure(
                    .stalePlan, phase: .apply,
                    "the approved plan of `\(job.unit)` is stale: its state changed since it was planned; nothing applied",
                    logTail: TerraformDiagnostics.tail(of: outcome.output), logPath: context.log.path)
            }
            throw failure(for: outcome, phase: .apply, context: context)
        }
        return try await readOutputs(context, progress: progress)
    }

    /// Removes a kept plan.
    public func discardReviewed(_ job: UnitJob, plan: UnitReview) async {
        try? FileManager.default.removeItem(atPath: reviewedPlanPath(plan.planID))
    }

    /// The ``ContentDigest`` of a file's bytes, or nil when it cannot be read.
    static func digest(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var digest = ContentDigest()
        digest.add(bytes: Array(data))
        return digest.finalize()
    }
}
