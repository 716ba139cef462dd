import Hummingbird
import TerraceCore

/// Who may use `/api/v1`: `Authorization: Bearer <admin token>` (identity ``WebIdentity/adminToken``), or a UI
/// session cookie: any role for GET, an admin session plus a matching `X-CSRF-Token` header for anything else.
/// No credentials or a wrong token: 401; a viewer's POST or a missing/wrong CSRF token: 403.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let dependencies: ServerDependencies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "),
                dependencies.token.accepts(String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces))
            else { return try Self.unauthorized() }
            context.identity = .adminToken
            return try await next(request, context)
        }
        guard let session = try await dependencies.auth.session(of: request, store: dependencies.store) else {
            return try Self.unauthorized()
        }
        context.session = session
        context.identity = WebIdentity(session: session)
        if request.method != .get && request.method != .head {
            guard session.role == .admin else {
                return try JSONResponse.error("this needs the admin role", status: .forbidden)
            }
            guard let name = CSRFMiddleware.header, let given = request.headers[name], AuthRandom.equal(given, session.csrfToken) else {
                return try JSONResponse.error("a valid X-CSRF-Token header is required with a session", status: .forbidden)
            }
        }
        return try await next(request, context)
    }

    static func unauthorized() throws -> Response {
        var response = try JSONResponse.error("a valid bearer token is required", status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }
}
