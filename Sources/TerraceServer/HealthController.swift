import Hummingbird
import TerraceCore

/// `/healthz` (liveness), `/readyz` (readiness) and `/metrics`: no token, for probes and scrapers.
struct HealthController<Context: RequestContext> {
    let dependencies: ServerDependencies

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("healthz") { _, _ in try await live() }
        routes.get("readyz") { _, _ in try await ready() }
        routes.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: dependencies.metrics.render())))
        }
        return routes
    }

    /// Alive unless a sync has gone without progress for longer than ``ServerDependencies/syncStallTimeout`` (a step
    /// that hangs, or work that never ends): the orchestrator then restarts the service. Runs (Terraform) are not
    /// counted: they have their own time limits.
    private func live() async throws -> Response {
        let limit = dependencies.syncStallTimeout
        if let stall = await dependencies.reconciler.syncStall(now: dependencies.now()), stall > limit {
            let reason = "the sync has made no progress for \(stall.components.seconds) s (limit \(limit.components.seconds) s)"
            return try JSONResponse.make(["alive": "false", "reason": reason], status: .serviceUnavailable)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
    }

    /// Ready once the source is cloned and the database answers.
    private func ready() async throws -> Response {
        var problems: [String] = []
        if !(await dependencies.reconciler.isSourceReady) { problems.append("the git source has not been fetched yet") }
        do {
            try await dependencies.store.ping()
        } catch {
            problems.append("the status database does not answer: \(error.message)")
        }
        guard problems.isEmpty else { return try JSONResponse.make(["ready": "false", "reason": problems.joined(separator: "; ")], status: .serviceUnavailable) }
        return try JSONResponse.make(["ready": "true"])
    }
}
