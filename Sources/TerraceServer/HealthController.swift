import Hummingbird
import TerraceCore

/// `/healthz`, `/readyz` and `/metrics`: no token, for probes and scrapers.
struct HealthController<Context: RequestContext> {
    let dependencies: ServerDependencies

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("healthz") { _, _ in "ok\n" }
        routes.get("readyz") { _, _ in try await ready() }
        routes.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: dependencies.metrics.render())))
        }
        return routes
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
