import HTTPTypes
import Hummingbird

/// Puts the security headers on every response, errors and redirects included: a strict Content-Security-Policy
/// (no inline script or style, no framing), `nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY`,
/// `Cache-Control: no-store` (but static files), and HSTS when the public URL is https.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Whether to send `Strict-Transport-Security`.
    let strictTransport: Bool

    /// The policy of every response.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed: \(String(reflecting: type(of: error)))")
            response = Response(
                status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "internal error\n")))
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        for (name, value) in [("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY")] {
            if let field = HTTPField.Name(name) { response.headers[field] = value }
        }
        if !request.uri.path.hasPrefix("/ui/static/") || response.status.code >= 400 {
            response.headers[.cacheControl] = "no-store"
        }
        if strictTransport { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }

}

