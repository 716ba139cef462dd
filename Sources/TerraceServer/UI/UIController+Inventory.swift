import Foundation
import Hummingbird
import TerraceCore

extension UIController {
    /// The inventory's status filters, in the order the page lists them.
    enum InventoryFilter: String, CaseIterable {
        case all, ready, reconciling, failed, drifted, waiting

        var label: String {
            switch self {
            case .all: "All"
            case .ready: "Ready"
            case .reconciling: "Reconciling"
            case .failed: "Failed or stalled"
            case .drifted: "Drifted"
            case .waiting: "Waiting for approval"
            }
        }
    }

    /// What the inventory knows of one infrastructure besides its status (read once for the whole page).
    struct Activity {
        var running: Set<String>
        var queued: [String: String]
        var runningRuns: [String: ServiceRun]
        var waitingRuns: [String: ServiceRun]
    }

    /// The filters one infrastructure matches.
    static func filters(of status: InfrastructureStatus, activity: Activity) -> Set<InventoryFilter> {
        var result: Set<InventoryFilter> = [.all]
        let ready = status.conditions.condition(.ready)
        if ready?.status == .true { result.insert(.ready) }
        if activity.running.contains(status.name) || status.conditions.isTrue(.reconciling) { result.insert(.reconciling) }
        if status.conditions.isTrue(.stalled)
            || (ready?.status == .false && ready?.reason != .awaitingApproval && ready?.reason != .planDiscarded)
        {
            result.insert(.failed)
        }
        if status.units.contains(where: { $0.drift != nil }) { result.insert(.drifted) }
        if activity.waitingRuns[status.name].map({ $0.approvedAt == nil }) == true || ready?.reason == .awaitingApproval {
            result.insert(.waiting)
        }
        return result
    }

    /// The CSS state class of a row: the most pressing of its filters.
    static func stateClass(_ filters: Set<InventoryFilter>) -> String {
        if filters.contains(.reconciling) { return "reconciling" }
        if filters.contains(.waiting) { return "waiting" }
        if filters.contains(.failed) { return "failed" }
        if filters.contains(.drifted) { return "drifted" }
        if filters.contains(.ready) { return "ready" }
        return "unknown"
    }

    /// `GET /ui`: every infrastructure, filtered, paginated.
    func inventory(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let now = Date()
        let statuses: [InfrastructureStatus]
        let activity: Activity
        do {
            statuses = try await dependencies.store.infrastructures()
            let running = try await dependencies.store.runs(infrastructure: nil, status: .running, limit: 10_000)
            let waiting = try await dependencies.store.runs(infrastructure: nil, status: .waiting, limit: 10_000)
            activity = Activity(
                running: Set(await dependencies.reconciler.runningInfrastructures),
                queued: await dependencies.reconciler.queuedInfrastructures,
                runningRuns: Dictionary(running.map { ($0.infrastructure, $0) }, uniquingKeysWith: { newer, _ in newer }),
                waitingRuns: Dictionary(waiting.map { ($0.infrastructure, $0) }, uniquingKeysWith: { newer, _ in newer }))
        } catch {
            return unavailablePage(error, context: context)
        }
        let filter = request.uri.queryParameters.get("status").flatMap { InventoryFilter(rawValue: $0) } ?? .all
        let query = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let per = Self.intParameter(request, "per", default: 50, in: 1...200)

        var counts: [InventoryFilter: Int] = [:]
        var matching: [(InfrastructureStatus, Set<InventoryFilter>)] = []
        for status in statuses {
            let found = Self.filters(of: status, activity: activity)
            for item in found { counts[item, default: 0] += 1 }
            guard found.contains(filter) else { continue }
            if !query.isEmpty, status.name.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]) == nil { continue }
            matching.append((status, found))
        }
        let pages = max(1, (matching.count + per - 1) / per)
        let page = Self.intParameter(request, "page", default: 1, in: 1...pages)
        let slice = matching.dropFirst((page - 1) * per).prefix(per)
        let rows = slice.map { status, found in inventoryRow(status, filters: found, activity: activity, now: now) }

        func link(page target: Int?, status: InventoryFilter? = nil) -> String {
            var items: [String] = []
            let chosen = status ?? filter
            if chosen != .all { items.append("status=\(chosen.rawValue)") }
            if !query.isEmpty { items.append("q=\(Self.queryValue(query))") }
            if per != 50 { items.append("per=\(per)") }
            if let target, target > 1 { items.append("page=\(target)") }
            return items.isEmpty ? "/ui" : "/ui?" + items.joined(separator: "&")
        }
        let filterData: [[String: Any]] = InventoryFilter.allCases.map { item in
            [
                "value": item.rawValue, "label": item.label, "count": UIFormat.count(counts[item] ?? 0),
                "selected": item == filter, "link": link(page: nil, status: item), "class": "count-\(item.rawValue)",
            ]
        }
        let first = matching.isEmpty ? 0 : (page - 1) * per + 1
        let last = (page - 1) * per + rows.count
        var data: [String: Any] = [
            "section": "inventory", "rows": rows, "filters": filterData, "q": query, "per": per,
            "perIsDefault": per == 50, "filtering": filter != .all || !query.isEmpty,
            "range": matching.isEmpty ? "none" : "\(UIFormat.count(first))–\(UIFormat.count(last))",
            "total": UIFormat.count(matching.count), "totalAll": UIFormat.count(statuses.count),
            "prev": page > 1 ? link(page: page - 1) : false, "next": page < pages ? link(page: page + 1) : false,
            "page": page, "pages": pages, "empty": statuses.isEmpty,
        ]
        data["notice"] = Self.notice(request) ?? false
        return renderer.page("inventory", title: "Infrastructures", context: context, data: data)
    }

    /// One inventory row.
    func inventoryRow(
        _ status: InfrastructureStatus, filters: Set<InventoryFilter>, activity: Activity, now: Date
    ) -> [String: Any] {
        let ready = status.conditions.condition(.ready)
        let drifted = status.units.filter { $0.drift != nil }
        var activityData: [String: Any] = [:]
        if activity.running.contains(status.name) || activity.runningRuns[status.name] != nil {
            activityData = ["label": "running", "class": "reconciling", "link": false, "since": false]
            if let run = activity.runningRuns[status.name] {
                activityData["link"] = Self.runLink(run.id)
                activityData["since"] = UIFormat.time(run.startedAt ?? run.queuedAt, now: now)
            }
        } else if let run = activity.waitingRuns[status.name] {
            activityData = [
                "label": run.approvedAt == nil ? "waiting for approval" : "approved, queued", "class": "waiting",
                "link": Self.runLink(run.id), "since": false,
            ]
        } else if let revision = activity.queued[status.name] {
            activityData = ["label": "queued for \(revision.prefix(12))", "class": "waiting", "link": false, "since": false]
        }
        return [
            "name": status.name, "link": Self.infrastructureLink(status.name), "class": Self.stateClass(filters),
            "ready": ready.map { UIFormat.condition($0, now: now) } ?? false,
            "stalled": status.conditions.isTrue(.stalled),
            "applied": UIFormat.revision(status.lastAppliedRevision),
            "attempted": UIFormat.revision(status.lastAttemptedRevision),
            "drift": drifted.isEmpty
                ? false
                : ["label": UIFormat.plural(drifted.count, "unit") + " drifted", "units": drifted.map(\.name).joined(separator: ", ")]
                    as [String: Any],
            "activity": activityData.isEmpty ? false : activityData,
            "lastRun": status.lastRunID.map { ["id": $0, "link": Self.runLink($0)] as [String: Any] } ?? false,
        ]
    }
}
