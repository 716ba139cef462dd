import Foundation
import TerraceCore

/// The actions people take on infrastructures and runs, from the UI and the API alike: each is carried out by the
/// reconciler and written to the audit log with who did it and how it ended.
struct RunActions: Sendable {
    let dependencies: ServerDependencies

    /// An action's kind, as the audit log names it.
    enum Action: String, Sendable {
        case reconcile, approve, discard, retry
    }

    /// Carries out `action` on `target` (an infrastructure for `reconcile`, else a run id) as `identity`, and audits it.
    /// Returns the run acted on (nil for `reconcile`).
    @discardableResult
    func perform(_ action: Action, on target: String, as identity: WebIdentity) async throws(RunActionError) -> ServiceRun? {
        let reconciler = dependencies.reconciler
        do throws(RunActionError) {
            let run: ServiceRun?
            switch action {
            case .reconcile:
                guard await reconciler.requestReconcile(target, requestedBy: identity.name) else {
                    throw RunActionError(.notFound, "no infrastructure named `\(target)` in the newest valid revision")
                }
                run = nil
            case .approve: run = try await reconciler.approve(target, by: identity.name)
            case .discard: run = try await reconciler.discard(target, by: identity.name)
            case .retry: run = try await reconciler.retry(target, by: identity.name)
            }
            await audit(action, target: target, identity: identity, outcome: action == .discard ? "discarded" : action == .approve ? "approved" : "queued")
            return run
        } catch {
            await audit(action, target: target, identity: identity, outcome: "refused: \(error.message)")
            throw error
        }
    }

    private func audit(_ action: Action, target: String, identity: WebIdentity, outcome: String) async {
        let now = Date()
        let entry = AuditEntry(
            id: RunOptions.newRunID(now: now), at: now, actor: Self.actor(identity), action: action.rawValue, target: target,
            outcome: outcome)
        try? await dependencies.store.appendAudit(entry)
    }

    /// How the audit log names `identity`: `alice (sub 1234)`, or `admin token`.
    static func actor(_ identity: WebIdentity) -> String {
        identity.subject == WebIdentity.adminToken.subject || identity.subject == identity.name
            ? identity.name : "\(identity.name) (sub \(identity.subject))"
    }
}
