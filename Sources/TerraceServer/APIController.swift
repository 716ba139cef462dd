import Foundation
import Hummingbird
import TerraceCore

/// `/api/v1`: the source, infrastructures with their units, outputs and runs, runs with their logs, and
/// reconcile requests. Every route needs the bearer token (see ``BearerTokenMiddleware``).
struct APIController {
    let dependencies: ServerDependencies

    /// One infrastructure in the list.
    struct Summary: Encodable {
        var name: String
        var file: String?
        var conditions: [Condition]
        var lastAppliedRevision: String?
        var lastAttemptedRevision: String?
        var lastRunID: String?
    }

    /// One infrastructure in detail.
    struct Detail: Encodable {
        var infrastructure: InfrastructureStatus
        var runs: [ServiceRun]
    }

    /// One run with its logs.
    struct RunDetail: Encodable {
        var run: ServiceRun
        var logs: [String: String]
    }

    var routes: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("source") { _, _ in
            guard let source = try await dependencies.store.source() else {
                return try JSONResponse.error("the source has not been fetched yet", status: .notFound)
            }
            return try JSONResponse.make(source)
        }
        routes.get("infrastructures") { _, _ in
            let list = try await dependencies.store.infrastructures().map {
                Summary(
                    name: $0.name, file: $0.file, conditions: $0.conditions, lastAppliedRevision: $0.lastAppliedRevision,
                    lastAttemptedRevision: $0.lastAttemptedRevision, lastRunID: $0.lastRunID)
            }
            return try JSONResponse.make(["infrastructures": list])
        }
        routes.get("infrastructures/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let status = try await dependencies.store.infrastructure(name) else {
                return try JSONResponse.error("no infrastructure named `\(name)`", status: .notFound)
            }
            let limit = request.uri.queryParameters.get("runs", as: Int.self) ?? 20
            let runs = try await dependencies.store.runs(infrastructure: name, status: nil, limit: min(max(limit, 0), 500))
            return try JSONResponse.make(Detail(infrastructure: status, runs: runs))
        }
        routes.post("infrastructures/:name/reconcile") { _, context in
            let name = try context.parameters.require("name")
            return try await act(.reconcile, on: name, context: context) { _ in
                try JSONResponse.make(["status": "queued", "infrastructure": name], status: .accepted)
            }
        }
        routes.post("runs/:id/approve") { _, context in
            try await act(.approve, on: try context.parameters.require("id"), context: context) { run in
                try JSONResponse.make(["status": "approved", "run": run?.id ?? "", "approvedBy": run?.approvedBy ?? ""], status: .accepted)
            }
        }
        routes.post("runs/:id/discard") { _, context in
            try await act(.discard, on: try context.parameters.require("id"), context: context) { run in
                try JSONResponse.make(["status": "discarded", "run": run?.id ?? ""])
            }
        }
        routes.post("runs/:id/retry") { _, context in
            try await act(.retry, on: try context.parameters.require("id"), context: context) { run in
                try JSONResponse.make(["status": "queued", "infrastructure": run?.infrastructure ?? ""], status: .accepted)
            }
        }
        routes.get("runs") { request, _ in
            let infrastructure = request.uri.queryParameters.get("infrastructure")
            let status = request.uri.queryParameters.get("status").flatMap(ServiceRun.Status.init(rawValue:))
            let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 50
            let runs = try await dependencies.store.runs(infrastructure: infrastructure, status: status, limit: min(max(limit, 0), 1000))
            return try JSONResponse.make(["runs": runs])
        }
        routes.get("runs/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let run = try await dependencies.store.run(id) else {
                return try JSONResponse.error("no run `\(id)`", status: .notFound)
            }
            return try JSONResponse.make(RunDetail(run: run, logs: try await dependencies.store.logs(runID: id)))
        }
        return routes
    }

    /// Carries out an action as the caller (admins only) and answers with `body`, or with the refusal.
    private func act(
        _ action: RunActions.Action, on target: String, context: WebRequestContext, body: (ServiceRun?) throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity, identity.role == .admin else {
            return try JSONResponse.error("only admins can \(action.rawValue)", status: .forbidden)
        }
        do {
            return try body(try await RunActions(dependencies: dependencies).perform(action, on: target, as: identity))
        } catch let error as RunActionError {
            return try JSONResponse.error(error.message, status: Self.status(of: error))
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
