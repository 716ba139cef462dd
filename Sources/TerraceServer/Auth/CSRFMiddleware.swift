import Foundation
import HTTPTypes
import Hummingbird

/// Every POST under `/ui` must carry the session's CSRF token, as the form field `csrf` of an
/// `application/x-www-form-urlencoded` body or the header `X-CSRF-Token`, compared in constant time; else 403 and
/// the handler never runs. The token sign-in (no session yet) carries the value of its `__Host-terrace_login`
/// cookie instead.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    /// The header API clients and scripts send the token in.
    static let header = HTTPField.Name("X-CSRF-Token")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method != .get && request.method != .head else { return try await next(request, context) }
        let expected: String?
        if request.uri.path.hasPrefix("/ui/login") {
            expected = SessionCookie.value(SessionCookie.loginName, in: request)
        } else {
            expected = context.session?.csrfToken
        }
        var request = request
        guard let expected, !expected.isEmpty, let given = try await Self.token(of: &request, context: context),
            AuthRandom.equal(given, expected)
        else { return AuthPage.csrfRefused() }
        return try await next(request, context)
    }

    /// The token a request carries: the header, else the form field `csrf` (the body stays readable to the handler).
    static func token(of request: inout Request, context: Context) async throws -> String? {
        if let name = header, let value = request.headers[name] { return value }
        guard let type = request.headers[.contentType]?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded") else {
            return nil
        }
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return formFields(String(buffer: buffer))["csrf"]
    }

    /// The fields of a URL-encoded form (first value wins).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
