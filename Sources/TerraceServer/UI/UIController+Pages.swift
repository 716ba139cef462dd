import Foundation
import Hummingbird
import TerraceCore

extension UIController {
    /// `GET /ui/source`: the git source followed, its revisions and every problem of the fetched revision.
    func source(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let now = Date()
        let found: SourceStatus?
        do { found = try await dependencies.store.source() } catch { return unavailablePage(error, context: context) }
        var data: [String: Any] = ["section": "source", "fetched": found != nil]
        if let source = found {
            data["url"] = source.url
            data["branch"] = source.branch
            data["path"] = source.path.isEmpty ? "(repository root)" : source.path
            data["fetchedRevision"] = UIFormat.revision(source.fetchedRevision)
            data["fetchedRevisionTime"] = UIFormat.time(source.fetchedRevisionTime, now: now)
            data["fetchedAt"] = UIFormat.time(source.fetchedAt, now: now)
            data["validRevision"] = UIFormat.revision(source.validRevision)
            data["validIsFetched"] = source.validRevision != nil && source.validRevision == source.fetchedRevision
            data["conditions"] = source.conditions.map { UIFormat.condition($0, now: now) }
            data["hasConditions"] = !source.conditions.isEmpty
            data["problems"] = source.errors.map(Self.problem)
            data["problemCount"] = UIFormat.plural(source.errors.count, "problem")
            data["hasProblems"] = !source.errors.isEmpty
        }
        return renderer.page("source", title: "Source", context: context, data: data)
    }

    /// A `file:line:column: message` problem split for display; other lines as they are.
    static func problem(_ line: String) -> [String: Any] {
        let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        if parts.count == 4, Int(parts[1]) != nil, Int(parts[2]) != nil {
            return [
                "location": "\(parts[0]):\(parts[1]):\(parts[2])",
                "message": parts[3].trimmingCharacters(in: .whitespaces), "text": line,
            ]
        }
        return ["location": false, "message": line, "text": line]
    }

    /// `GET /ui/locks`: who holds each infrastructure's lock, since when, for what: the state-bucket locks
    /// (``Reconciler/locks()``: the service's runs and any `terrace apply` from elsewhere) and the runs this service
    /// has going.
    func locks(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let now = Date()
        let statuses: [InfrastructureStatus]
        let runs: [ServiceRun]
        do {
            statuses = try await dependencies.store.infrastructures()
            runs = try await dependencies.store.runs(infrastructure: nil, status: .running, limit: 10_000)
        } catch {
            return unavailablePage(error, context: context)
        }
        let reconciler = dependencies.reconciler
        let running = Set(await reconciler.runningInfrastructures)
        let stateLocks = await reconciler.locks()
        let lockOf = Dictionary(stateLocks.map { ($0.infrastructure, $0) }, uniquingKeysWith: { first, _ in first })
        let runOf = Dictionary(runs.map { ($0.infrastructure, $0) }, uniquingKeysWith: { newer, _ in newer })
        let names = Set(statuses.map(\.name)).union(running).union(runOf.keys).union(lockOf.keys).sorted()
        var held: [[String: Any]] = []
        var free: [[String: Any]] = []
        var unreadable: [[String: Any]] = []
        for name in names {
            let lock = lockOf[name]
            let holding = lock?.holder
            let run = runOf[name]
            guard holding != nil || run != nil || running.contains(name) else {
                if let error = lock?.error {
                    unreadable.append(["name": name, "link": Self.infrastructureLink(name), "error": error])
                } else {
                    free.append(["name": name, "link": Self.infrastructureLink(name)])
                }
                continue
            }
            let runID = run?.id ?? holding.flatMap { ServiceRun.runID(fromLockHolder: $0.holder) }
            held.append([
                "name": name, "link": Self.infrastructureLink(name),
                "holder": holding.map(\.holder) ?? "terrace serve \(run?.replica ?? reconciler.settings.replica)",
                "runID": runID ?? false, "runLink": runID.map(Self.runLink) ?? false,
                "since": UIFormat.time(holding?.createdAt ?? run?.startedAt ?? run?.queuedAt, now: now),
                "operation": holding?.operation ?? run?.operation ?? "starting",
                "revision": UIFormat.revision(run?.revision),
                "replica": UIFormat.optional(run?.replica ?? (running.contains(name) ? reconciler.settings.replica : nil)),
                "here": running.contains(name),
                "outside": holding != nil && runID == nil,
            ])
        }
        let readAt = stateLocks.map(\.readAt).min()
        let data: [String: Any] = [
            "section": "locks", "held": held, "hasHeld": !held.isEmpty, "free": free, "hasFree": !free.isEmpty,
            "unreadable": unreadable, "hasUnreadable": !unreadable.isEmpty,
            "freeCount": UIFormat.plural(free.count, "infrastructure"), "heldCount": UIFormat.plural(held.count, "lock"),
            "replica": reconciler.settings.replica, "readAt": UIFormat.time(readAt, now: now),
        ]
        return renderer.page("locks", title: "Locks", context: context, data: data)
    }

    /// `GET /ui/audit` (admins): every action taken, newest first, paginated.
    func audit(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        guard context.identity?.role == .admin else {
            return problemPage(.forbidden, title: "Forbidden", message: "Only admins can read the audit log.", context: context, section: "audit")
        }
        let now = Date()
        let per = Self.intParameter(request, "per", default: 50, in: 1...200)
        let page = Self.intParameter(request, "page", default: 1, in: 1...1_000_000)
        let entries: [AuditEntry]
        do {
            entries = try await dependencies.store.auditEntries(limit: per + 1, offset: (page - 1) * per)
        } catch {
            return unavailablePage(error, context: context)
        }
        let shown = entries.prefix(per)
        func link(_ target: Int) -> String {
            var items: [String] = []
            if per != 50 { items.append("per=\(per)") }
            if target > 1 { items.append("page=\(target)") }
            return items.isEmpty ? "/ui/audit" : "/ui/audit?" + items.joined(separator: "&")
        }
        let first = (page - 1) * per + 1
        let data: [String: Any] = [
            "section": "audit",
            "entries": shown.map { entry -> [String: Any] in
                [
                    "at": UIFormat.time(entry.at, now: now), "actor": entry.actor, "action": entry.action,
                    "target": UIFormat.optional(entry.target), "outcome": entry.outcome,
                    "targetLink": Self.auditTargetLink(entry),
                    "class": entry.outcome.hasPrefix("refused") || entry.action == "login-failed" ? "failed" : "ready",
                ]
            },
            "hasEntries": !shown.isEmpty,
            "range": shown.isEmpty ? "none" : "\(UIFormat.count(first))–\(UIFormat.count(first + shown.count - 1))",
            "prev": page > 1 ? link(page - 1) : false, "next": entries.count > per ? link(page + 1) : false,
        ]
        return renderer.page("audit", title: "Audit log", context: context, data: data)
    }

    /// The page an audit entry's target is on, or `false`.
    static func auditTargetLink(_ entry: AuditEntry) -> Any {
        guard !entry.target.isEmpty else { return false }
        switch entry.action {
        case "reconcile": return infrastructureLink(entry.target)
        case "approve", "discard", "retry": return runLink(entry.target)
        default: return false
        }
    }
}
