import Hummingbird
import Logging
import ServiceLifecycle
import TerraceCore

/// The router of `terrace serve`: probes and metrics, the webhook, and the token-protected API.
public func buildRouter(_ dependencies: ServerDependencies) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.addRoutes(HealthController(dependencies: dependencies).routes)
    router.addRoutes(HooksController(dependencies: dependencies).routes, atPath: "hooks")
    router.group("api/v1")
        .add(middleware: BearerTokenMiddleware(token: dependencies.token))
        .addRoutes(APIController(dependencies: dependencies).routes)
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
