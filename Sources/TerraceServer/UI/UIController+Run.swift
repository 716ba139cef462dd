import Foundation
import Hummingbird
import TerraceCore

extension UIController {
    /// How many lines of each unit's log the run page shows (the rest is in the log's download).
    static let logLinesShown = 2_000

    /// `GET /ui/runs/{id}`.
    func run(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return await runPage(id, request: request, context: context, error: nil, status: .ok)
    }

    /// The run page, with an error banner and `status` after a refused action.
    func runPage(_ id: String, request: Request, context: WebRequestContext, error: String?, status: HTTPResponse.Status) async -> Response {
        let now = Date()
        let found: ServiceRun?
        var logs: [String: String] = [:]
        var unitNames: [String] = []
        do {
            found = try await dependencies.store.run(id)
            if let run = found {
                logs = try await dependencies.store.logs(runID: id)
                if run.status == .running {
                    unitNames = try await dependencies.store.infrastructure(run.infrastructure)?.units.map(\.name) ?? []
                }
            }
        } catch {
            return unavailablePage(error, context: context)
        }
        guard let run = found else {
            return problemPage(.notFound, title: "Not found", message: error ?? "There is no run \(id).", context: context, section: "inventory")
        }
        let live = run.status == .running
        // The units: their results in the order they finished; for a running run, then the others of the infrastructure.
        var units: [[String: Any]] = []
        var listed = Set<String>()
        for result in run.results where listed.insert(result.unit).inserted {
            units.append(unitBlock(run: run, unit: result.unit, result: result, log: logs[result.unit], live: live))
        }
        for unit in unitNames.sorted() where listed.insert(unit).inserted {
            units.append(unitBlock(run: run, unit: unit, result: nil, log: logs[unit], live: live))
        }
        for unit in logs.keys.sorted() where listed.insert(unit).inserted {
            units.append(unitBlock(run: run, unit: unit, result: nil, log: logs[unit], live: live))
        }

        let isAdmin = context.identity?.role == .admin
        let awaiting = run.status == .waiting && run.approvedAt == nil
        var data: [String: Any] = [
            "section": "inventory", "id": run.id, "infrastructure": run.infrastructure,
            "infrastructureLink": Self.infrastructureLink(run.infrastructure),
            "status": run.status.rawValue, "class": UIFormat.runClass(run.status), "operation": run.operation,
            "trigger": run.trigger.rawValue, "revision": UIFormat.revision(run.revision), "replica": run.replica,
            "message": UIFormat.optional(run.message),
            "queuedAt": UIFormat.time(run.queuedAt, now: now), "startedAt": UIFormat.time(run.startedAt, now: now),
            "finishedAt": UIFormat.time(run.finishedAt, now: now),
            // A plan waiting for approval is not running: no clock ticks for it.
            "duration": run.status == .waiting
                ? false : UIFormat.optional(run.startedAt.map { UIFormat.duration((run.finishedAt ?? now).timeIntervalSince($0)) }),
            "requestedBy": UIFormat.optional(run.requestedBy),
            "approvedBy": UIFormat.optional(run.approvedBy), "approvedAt": UIFormat.time(run.approvedAt, now: now),
            "discardedBy": UIFormat.optional(run.discardedBy), "discardedAt": UIFormat.time(run.discardedAt, now: now),
            "forcedUnits": UIFormat.optional(run.forcedUnits.sorted().joined(separator: ", ")),
            "retries": run.retries.map { ["id": $0, "link": Self.runLink($0)] }, "hasRetries": !run.retries.isEmpty,
            "retriedBy": run.retriedBy.map { ["id": $0, "link": Self.runLink($0)] as [String: Any] } ?? false,
            "units": units, "hasUnits": !units.isEmpty, "live": live,
            "review": run.review.map { Self.reviewData($0, now: now) } ?? false,
            "awaiting": awaiting, "approved": run.status == .waiting && run.approvedAt != nil,
            "canApprove": awaiting && isAdmin,
            "canRetry": (run.status == .failed || run.status == .interrupted) && isAdmin,
            "approveAction": "\(Self.runLink(run.id))/approve", "discardAction": "\(Self.runLink(run.id))/discard",
            "retryAction": "\(Self.runLink(run.id))/retry",
        ]
        data["error"] = error ?? ""
        data["notice"] = Self.notice(request) ?? false
        if live { data["scripts"] = ["/ui/static/live-log.js"] }
        return renderer.page("run", title: "Run \(run.id)", context: context, data: data, status: status)
    }

    /// One unit of a run: result, timing, message and the end of its log. A running run's units show their log file
    /// as far as it is written, and stream the rest (`data-stream`, `data-offset`: see live-log.js).
    func unitBlock(run: ServiceRun, unit: String, result: UnitResult?, log: String?, live: Bool) -> [String: Any] {
        var lines: [Substring] = []
        var offset: UInt64 = 0
        var fromFile = false
        var totalLines: Int?
        if let log {
            // Only the end of a long log is shown: cut it from the end instead of splitting all of it.
            let tail = Self.lastLines(of: log, Self.logLinesShown)
            lines = tail.lines
            totalLines = tail.total
        } else if live, let root = dependencies.logRoot,
            let path = LiveLogFiles.path(logRoot: root, runID: run.id, infrastructure: run.infrastructure, unit: unit),
            let snapshot = LiveLogFiles.snapshot(path: path)
        {
            lines = snapshot.text.split(separator: "\n", omittingEmptySubsequences: false)
            offset = snapshot.offset
            fromFile = true
        } else if let tail = result?.logTail {
            lines = tail.map { Substring($0) }
        }
        if lines.last == "" { lines.removeLast() }
        let shown = lines.suffix(Self.logLinesShown)
        let base = "\(Self.runLink(run.id))/units/\(Self.pathSegment(unit))"
        let streams = live && log == nil
        // A streamed block must hold exactly the file's lines up to `offset`, each ending in a newline.
        let text = shown.joined(separator: "\n") + (streams && !shown.isEmpty ? "\n" : "")
        return [
            "name": unit, "anchor": "unit-\(unit)", "logID": "log-\(unit)",
            "outcome": result.map { $0.outcome.rawValue } ?? (live ? "in progress" : "no result"),
            "class": result.map { UIFormat.outcomeClass($0.outcome) } ?? (live ? "reconciling" : "unknown"),
            "seconds": result.flatMap { $0.seconds > 0 ? UIFormat.duration($0.seconds) : nil } ?? false,
            "message": UIFormat.optional(result?.message),
            "outputsChanged": result?.outputsChanged == true,
            "log": text, "hasLog": !shown.isEmpty || streams,
            "truncated": (totalLines ?? lines.count) > shown.count
                ? "Showing the last \(UIFormat.count(shown.count)) of \(UIFormat.count(totalLines ?? lines.count)) lines." : false,
            "logIsTail": log == nil && !fromFile && result?.logTail != nil,
            "download": log != nil ? "\(base)/log.txt" : false,
            "stream": streams ? "\(base)/log/stream" : false,
            "offset": String(offset),
        ]
    }

    /// A run's review for the template.
    static func reviewData(_ review: RunReview, now: Date) -> [String: Any] {
        [
            "revision": UIFormat.revision(review.revision), "plannedAt": UIFormat.time(review.plannedAt, now: now),
            "deletes": review.deletes,
            "units": review.units.map { unit -> [String: Any] in
                [
                    "unit": unit.unit, "add": unit.summary.add, "change": unit.summary.change, "destroy": unit.summary.destroy,
                    "summary": unit.summary.description,
                    "changes": unit.changes.map { change -> [String: Any] in
                        [
                            "address": change.address, "action": change.action, "actionClass": Self.actionClass(change.action),
                            "attributes": change.attributes.map { attribute -> [String: Any] in
                                [
                                    "path": attribute.path,
                                    "before": attribute.before ?? false, "after": attribute.after ?? false,
                                    "sensitive": attribute.before == InfrastructureStatus.redacted
                                        || attribute.after == InfrastructureStatus.redacted,
                                ]
                            },
                            "hasAttributes": !change.attributes.isEmpty,
                        ]
                    },
                    "hasChanges": !unit.changes.isEmpty,
                ]
            },
            "deferred": review.deferred, "hasDeferred": !review.deferred.isEmpty,
        ]
    }

    /// The CSS class of a planned change's action.
    static func actionClass(_ action: String) -> String {
        switch action {
        case "create": "add"
        case "update": "change"
        case "delete", "replace": "destroy"
        default: "other"
        }
    }

    /// The last `count` lines of `text` (a final newline ends the last line) and how many lines it has, found by
    /// walking its bytes from the end: a 50,000-line log is not split into 50,000 strings to show 2,000.
    static func lastLines(of text: String, _ count: Int) -> (lines: [Substring], total: Int) {
        var text = text
        let newline = UInt8(ascii: "\n")
        // Byte offsets: where the kept lines start, where the text ends (before a final newline), how many lines.
        let (start, end, total) = text.withUTF8 { bytes -> (Int, Int, Int) in
            var end = bytes.count
            if end > 0, bytes[end - 1] == newline { end -= 1 }
            var total = bytes.isEmpty ? 0 : 1
            var start = 0
            var found = 0
            var cursor = end
            while cursor > 0 {
                cursor -= 1
                guard bytes[cursor] == newline else { continue }
                total += 1
                if found < count {
                    found += 1
                    if found == count { start = cursor + 1 }
                }
            }
            return (start, end, total)
        }
        let utf8 = text.utf8
        let kept = text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]
        return (kept.split(separator: "\n", omittingEmptySubsequences: false), total)
    }

    /// `GET /ui/runs/{id}/units/{unit}/log.txt`: a unit's full stored log, as text.
    func logText(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let unit = try context.parameters.require("unit")
        let logs: [String: String]
        do {
            logs = try await dependencies.store.logs(runID: id)
        } catch {
            return Self.plain("The status database cannot be read: \(error.message)\n", status: .serviceUnavailable)
        }
        guard let log = logs[unit] else {
            return Self.plain("No stored log for unit \(unit) of run \(id) (a running run's log is stored when it ends).\n", status: .notFound)
        }
        let file = "\(id)-\(unit).log".map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/plain; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(String(file))\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: log)))
    }

    /// A plain-text response.
    static func plain(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `POST /ui/runs/{id}/approve|discard|retry`: carried out and audited by ``RunActions``; 303 to the run page
    /// (the infrastructure page after a retry, whose new run is queued); refused: the run page with the reason.
    func runAction(_ action: RunActions.Action, _ request: Request, _ context: WebRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let identity = context.identity, identity.role == .admin else {
            return problemPage(.forbidden, title: "Forbidden", message: "Only admins can \(action.rawValue) runs.", context: context)
        }
        do {
            let run = try await RunActions(dependencies: dependencies).perform(action, on: id, as: identity)
            let target = action == .retry ? Self.infrastructureLink(run?.infrastructure ?? "") : Self.runLink(id)
            return Self.seeOther("\(target)?done=\(action.rawValue)")
        } catch {
            return await runPage(
                id, request: request, context: context, error: "Cannot \(action.rawValue): \(error.message)", status: Self.status(of: error))
        }
    }
}
