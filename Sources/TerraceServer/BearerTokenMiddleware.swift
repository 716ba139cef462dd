import Hummingbird

/// Lets a request through only with `Authorization: Bearer <admin token>`; anything else gets 401.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AdminToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            token.accepts(String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces))
        else {
            var response = try JSONResponse.error("a valid bearer token is required", status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
