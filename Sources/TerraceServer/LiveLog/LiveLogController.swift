import Foundation
import HTTPTypes
import Hummingbird
import TerraceCore

/// `GET runs/{id}/units/{unit}/log/stream` (mounted under `/ui`): a unit's log as Server-Sent Events, live while
/// the run goes (see ``LiveLogStream``).
///
/// Each event is one line: `id:` the byte offset after it, `data:` its text. The stream starts at the offset of
/// `Last-Event-ID` (the browser's reconnect), else `?from=` (what the page already shows), else 0, and ends with
/// `event: end` (data: the run's status) once the run has ended and its log is sent. A run or unit that does not
/// exist, or a name that could not be one, answers 404.
public struct LiveLogController: Sendable {
    /// Statuses, runs, logs and the log folder.
    public let dependencies: ServerDependencies

    /// Creates the controller.
    public init(dependencies: ServerDependencies) {
        self.dependencies = dependencies
    }

    /// The route, relative to where it is mounted.
    public var routes: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("runs/:id/units/:unit/log/stream") { request, context in
            try await stream(request, context: context)
        }
        return routes
    }

    private static let lastEventID = HTTPField.Name("Last-Event-ID")
    private static let accelBuffering = HTTPField.Name("X-Accel-Buffering")

    private func stream(_ request: Request, context: WebRequestContext) async throws -> Response {
        let runID = try context.parameters.require("id")
        let unit = try context.parameters.require("unit")
        guard LiveLogFiles.isRunID(runID), NameRules.checkName(unit) == nil,
            let run = try await dependencies.store.run(runID), NameRules.checkName(run.infrastructure) == nil
        else { throw HTTPError(.notFound, message: "no such run or unit") }
        let path = dependencies.logRoot.flatMap {
            LiveLogFiles.path(logRoot: $0, runID: runID, infrastructure: run.infrastructure, unit: unit)
        }
        guard try await isUnit(unit, of: run, path: path) else { throw HTTPError(.notFound, message: "no such run or unit") }

        let stream = LiveLogStream(
            store: dependencies.store, runID: runID, unit: unit, path: path, start: try startOffset(of: request))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        if let accelBuffering = Self.accelBuffering { headers[accelBuffering] = "no" }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await stream.write(to: &writer) })
    }

    /// Whether the run has or had `unit`: one of its results, its forced units, its plan, its infrastructure's units
    /// or its stored logs; or a unit whose log file is there (a unit new in this run, before the status knows it).
    private func isUnit(_ unit: String, of run: ServiceRun, path: String?) async throws -> Bool {
        if run.results.contains(where: { $0.unit == unit }) || run.forcedUnits.contains(unit) { return true }
        if run.review?.units.contains(where: { $0.unit == unit }) == true { return true }
        if let status = try await dependencies.store.infrastructure(run.infrastructure), status.units.contains(where: { $0.name == unit }) {
            return true
        }
        if let path, FileManager.default.fileExists(atPath: path) { return true }
        return try await dependencies.store.logs(runID: run.id)[unit] != nil
    }

    /// `Last-Event-ID`, else `?from=`, else 0; a value that is not a byte offset is refused.
    private func startOffset(of request: Request) throws -> UInt64 {
        if let name = Self.lastEventID, let value = request.headers[name] {
            guard let offset = UInt64(value.trimmingCharacters(in: .whitespaces)) else {
                throw HTTPError(.badRequest, message: "Last-Event-ID is not a byte offset")
            }
            return offset
        }
        if let value = request.uri.queryParameters.get("from") {
            guard let offset = UInt64(value) else { throw HTTPError(.badRequest, message: "from is not a byte offset") }
            return offset
        }
        return 0
    }
}
