import Hummingbird
import Logging
import ServiceLifecycle
import TerraceCore

/// The router of `terrace serve`: probes and metrics, the webhook, the API (bearer token or session) and the web UI
/// (session), with security headers on every response.
public func buildRouter(_ dependencies: ServerDependencies) -> Router<WebRequestContext> {
    let router = Router(context: WebRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransport: dependencies.auth.strictTransport))
    router.addRoutes(HealthController(dependencies: dependencies).routes)
    router.addRoutes(HooksController(dependencies: dependencies).routes, atPath: "hooks")
    router.get("/") { _, _ in Response.redirect(to: "/ui", type: .found) }
    router.group("api/v1")
        .add(middleware: BearerTokenMiddleware(dependencies: dependencies))
        .addRoutes(APIController(dependencies: dependencies).routes)
    let ui = router.group("ui")
        .add(middleware: SessionMiddleware(dependencies: dependencies))
        .add(middleware: CSRFMiddleware())
    let renderer = PageRenderer()
    ui.addRoutes(LoginController(dependencies: dependencies, renderer: renderer).routes)
    ui.addRoutes(UIController(dependencies: dependencies, renderer: renderer).routes)
    ui.addRoutes(LiveLogController(dependencies: dependencies).routes)
    return router
}

/// The application `terrace serve` runs: the router on `host:port`, with `services` (the reconcile loops)
/// started and shut down with it.
public func buildApplication(
    _ dependencies: ServerDependencies, host: String, port: Int, services: [any Service], logger: Logger
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies),
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "terrace"),
        services: services,
        logger: logger)
}
