import Foundation
import Hummingbird
import TerraceCore

extension UIController {
    /// `GET /ui/infrastructures/{name}`: conditions, the unit graph, units, outputs, runs.
    func infrastructure(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        return await infrastructurePage(name, request: request, context: context, error: nil, status: .ok)
    }

    /// The infrastructure page, with an error banner and `status` after a refused action.
    func infrastructurePage(
        _ name: String, request: Request, context: WebRequestContext, error: String?, status: HTTPResponse.Status
    ) async -> Response {
        let now = Date()
        let runLimit = Self.intParameter(request, "runs", default: 20, in: 1...500)
        let found: InfrastructureStatus?
        let runs: [ServiceRun]
        do {
            found = try await dependencies.store.infrastructure(name)
            runs = found == nil ? [] : try await dependencies.store.runs(infrastructure: name, status: nil, limit: runLimit + 1)
        } catch {
            return unavailablePage(error, context: context)
        }
        guard let infrastructure = found else {
            return problemPage(
                .notFound, title: "Not found", message: error ?? "There is no infrastructure named \(name).", context: context,
                section: "inventory")
        }
        let graph = await dependencies.reconciler.graph(of: name)
        let running = await dependencies.reconciler.runningInfrastructures.contains(name)
        let queued = await dependencies.reconciler.queuedInfrastructures[name]
        let waiting = runs.first { $0.status == .waiting }
        let reviewed = Set(waiting?.review?.units.map(\.unit) ?? [])

        var states: [String: String] = [:]
        for unit in infrastructure.units { states[unit.name] = Self.unitState(unit, waiting: reviewed.contains(unit.name)) }
        let picture = graph.map { GraphPicture($0, states: states) }

        let units: [[String: Any]] = infrastructure.units.map { unit in
            let ready = unit.conditions.condition(.ready)
            let outputs = (infrastructure.outputs[unit.name] ?? [:]).sorted { $0.key < $1.key }.map { key, value -> [String: Any] in
                let sensitive = value == .string(InfrastructureStatus.redacted)
                return ["name": key, "value": UIFormat.value(value), "sensitive": sensitive]
            }
            return [
                "name": unit.name, "anchor": "unit-\(unit.name)", "state": states[unit.name] ?? "unknown",
                "phase": UIFormat.optional(unit.phase),
                "ready": ready.map { UIFormat.condition($0, now: now) } ?? false,
                "applied": UIFormat.revision(unit.lastAppliedRevision), "appliedAt": UIFormat.time(unit.lastAppliedAt, now: now),
                "drift": unit.drift.map { $0.description } ?? false,
                "app": unit.sync != nil || unit.health != nil || unit.syncedRevision != nil
                    ? [
                        "sync": UIFormat.optional(unit.sync), "health": UIFormat.optional(unit.health),
                        "syncedRevision": UIFormat.optional(unit.syncedRevision),
                        "healthClass": unit.health == "Healthy" ? "ready" : unit.health == "Progressing" ? "reconciling" : "failed",
                    ] as [String: Any] : false,
                "outputs": outputs, "hasOutputs": !outputs.isEmpty,
            ]
        }
        // Units the graph knows but the status does not yet (new in the repository).
        let known = Set(infrastructure.units.map(\.name))
        let newUnits = (graph?.units ?? []).filter { !known.contains($0) }

        var activity: Any = false
        if running {
            activity = ["label": "A run is in progress.", "class": "reconciling", "link": false]
        } else if let waiting, waiting.approvedAt == nil {
            activity = ["label": "A plan waits for approval.", "class": "waiting", "link": Self.runLink(waiting.id)]
        } else if let queued {
            activity = ["label": "A run is queued for revision \(queued.prefix(12)).", "class": "waiting", "link": false]
        }
        let shown = Array(runs.prefix(runLimit))
        var data: [String: Any] = [
            "section": "inventory", "name": infrastructure.name, "file": UIFormat.optional(infrastructure.file),
            "conditions": infrastructure.conditions.map { UIFormat.condition($0, now: now) },
            "hasConditions": !infrastructure.conditions.isEmpty,
            "applied": UIFormat.revision(infrastructure.lastAppliedRevision),
            "attempted": UIFormat.revision(infrastructure.lastAttemptedRevision),
            "driftCheck": UIFormat.time(infrastructure.lastDriftCheck, now: now),
            "graph": picture.map(\.svg) ?? false,
            "units": units, "hasUnits": !units.isEmpty, "newUnits": newUnits, "hasNewUnits": !newUnits.isEmpty,
            "hasOutputs": units.contains { $0["hasOutputs"] as? Bool == true },
            "runs": shown.map { Self.runRow($0, now: now) }, "hasRuns": !shown.isEmpty,
            "moreRuns": runs.count > runLimit ? "\(Self.infrastructureLink(name))?runs=\(min(500, runLimit * 5))#runs" : false,
            "activity": activity,
            "reconcileAction": "\(Self.infrastructureLink(name))/reconcile",
        ]
        data["error"] = error ?? ""
        data["notice"] = Self.notice(request) ?? false
        return renderer.page("infrastructure", title: infrastructure.name, context: context, data: data, status: status)
    }

    /// A unit's state class in the graph and the units table.
    static func unitState(_ unit: UnitStatus, waiting: Bool) -> String {
        let ready = unit.conditions.condition(.ready)
        if unit.phase != nil || unit.conditions.isTrue(.reconciling) { return "reconciling" }
        if waiting { return "waiting" }
        if ready?.status == .false || unit.conditions.isTrue(.stalled) {
            return ready?.reason == .drifted ? "drifted" : ready?.reason == .awaitingApproval ? "waiting" : "failed"
        }
        if unit.drift != nil { return "drifted" }
        if ready?.status == .true { return "ready" }
        return "unknown"
    }

    /// One run in a list.
    static func runRow(_ run: ServiceRun, now: Date) -> [String: Any] {
        let started = run.startedAt ?? run.queuedAt
        let duration = run.finishedAt.map { UIFormat.duration($0.timeIntervalSince(started)) }
        return [
            "id": run.id, "link": runLink(run.id), "status": run.status.rawValue, "class": UIFormat.runClass(run.status),
            "operation": run.operation, "trigger": run.trigger.rawValue, "revision": UIFormat.revision(run.revision),
            "started": UIFormat.time(started, now: now), "duration": UIFormat.optional(duration),
            "requestedBy": UIFormat.optional(run.requestedBy), "message": UIFormat.optional(run.message),
        ]
    }

    /// `POST /ui/infrastructures/{name}/reconcile`: queues a run (audited by ``RunActions``), 303 to the page; an
    /// infrastructure not in the newest valid revision: its page (or a 404 page) with the reason.
    func reconcile(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let identity = context.identity, identity.role == .admin else {
            return problemPage(.forbidden, title: "Forbidden", message: "Only admins can ask for a reconcile.", context: context)
        }
        do {
            try await RunActions(dependencies: dependencies).perform(.reconcile, on: name, as: identity)
            return Self.seeOther("\(Self.infrastructureLink(name))?done=reconcile")
        } catch {
            return await infrastructurePage(
                name, request: request, context: context, error: "Cannot reconcile: \(error.message)", status: Self.status(of: error))
        }
    }

    /// The HTTP status of a refused action.
    static func status(of error: RunActionError) -> HTTPResponse.Status {
        switch error.code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .unavailable: .serviceUnavailable
        }
    }
}
