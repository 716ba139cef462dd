import Foundation
import Hummingbird
import TerraceCore

/// The web UI's pages under `/ui`: inventory, infrastructure, run, source, locks, audit; the actions (reconcile,
/// approve, discard, retry) as POSTs answered with 303; a run's full unit log as text; the static files.
///
/// Authentication, CSRF checks and role checks of POSTs happen in the auth middleware before these handlers; the
/// pages still show action buttons to admins only, and every form carries the session's CSRF token.
struct UIController {
    let dependencies: ServerDependencies
    let renderer: PageRenderer

    /// The routes, relative to `/ui`.
    var routes: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("") { request, context in try await inventory(request, context) }
        routes.get("infrastructures/:name") { request, context in try await infrastructure(request, context) }
        routes.post("infrastructures/:name/reconcile") { request, context in try await reconcile(request, context) }
        routes.get("runs/:id") { request, context in try await run(request, context) }
        routes.get("runs/:id/units/:unit/log.txt") { request, context in try await logText(request, context) }
        routes.post("runs/:id/approve") { request, context in try await runAction(.approve, request, context) }
        routes.post("runs/:id/discard") { request, context in try await runAction(.discard, request, context) }
        routes.post("runs/:id/retry") { request, context in try await runAction(.retry, request, context) }
        routes.get("source") { request, context in try await source(request, context) }
        routes.get("locks") { request, context in try await locks(request, context) }
        routes.get("audit") { request, context in try await audit(request, context) }
        routes.get("static/:file") { request, context in try staticFile(request, context) }
        return routes
    }

    // MARK: Shared pieces

    /// A page explaining why the request cannot be answered (404, 403, 409, 503…), in the layout.
    func problemPage(
        _ status: HTTPResponse.Status, title: String, message: String, context: WebRequestContext, section: String = ""
    ) -> Response {
        renderer.page(
            "problem", title: title, context: context,
            data: ["message": message, "section": section, "statusCode": status.code], status: status)
    }

    /// The page for a store that cannot be read.
    func unavailablePage(_ error: ServiceStoreError, context: WebRequestContext) -> Response {
        problemPage(
            .serviceUnavailable, title: "Status database unavailable",
            message: "The status database cannot be read: \(error.message)", context: context)
    }

    /// A 303 to `location`.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// `text` escaped for one path segment of a URL.
    static func pathSegment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `text` escaped for a query value.
    static func queryValue(_ text: String) -> String { pathSegment(text) }

    /// The link to an infrastructure's page.
    static func infrastructureLink(_ name: String) -> String { "/ui/infrastructures/\(pathSegment(name))" }

    /// The link to a run's page.
    static func runLink(_ id: String) -> String { "/ui/runs/\(pathSegment(id))" }

    /// An integer query parameter within `range`, or `fallback`.
    static func intParameter(_ request: Request, _ name: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        guard let value = request.uri.queryParameters.get(name, as: Int.self) else { return fallback }
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// The fixed banner message of a finished action (`?done=` after a 303), never text from the request.
    static func notice(_ request: Request) -> String? {
        switch request.uri.queryParameters.get("done") {
        case "reconcile": "Reconcile queued."
        case "approve": "Plan approved; the apply is queued."
        case "discard": "Plan discarded; nothing was applied."
        case "retry": "Retry queued at the newest valid revision."
        default: nil
        }
    }
}
