import Foundation
import Hummingbird
import HTTPTypes
import TerraceCore

/// `POST /hooks/git`: a push webhook from GitHub, GitLab or any sender signing with the shared secret; a signed
/// push to the followed branch fetches at once.
struct HooksController<Context: RequestContext> {
    let dependencies: ServerDependencies

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("git") { request, _ in try await receive(request) }
        return routes
    }

    private func receive(_ request: Request) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: WebhookVerifier.maxBodySize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            return try JSONResponse.error("the body is over \(WebhookVerifier.maxBodySize) bytes", status: .contentTooLarge)
        }
        let bytes = Array(body.readableBytesView)
        guard dependencies.webhook.isEnabled else {
            return try unauthorized("webhooks are disabled: no webhook secret is configured")
        }
        guard dependencies.webhook.verify(headers: request.headers, body: bytes) else {
            return try unauthorized("missing or wrong webhook signature")
        }
        if let event = HTTPField.Name("X-GitHub-Event").flatMap({ request.headers[$0] }), event == "ping" {
            return try JSONResponse.make(["status": "pong"])
        }
        if let ref = Self.pushedRef(bytes), ref != "refs/heads/\(dependencies.branch)" {
            return try JSONResponse.make(["status": "ignored", "reason": "push to \(ref), not to \(dependencies.branch)"], status: .accepted)
        }
        let reconciler = dependencies.reconciler
        Task { await reconciler.sync(.push) }
        return try JSONResponse.make(["status": "accepted"], status: .accepted)
    }

    private func unauthorized(_ message: String) throws -> Response {
        var response = try JSONResponse.error(message, status: .unauthorized)
        response.headers[.wwwAuthenticate] = "HMAC-SHA256"
        return response
    }

    /// The `ref` of a GitHub or GitLab push payload, when the body is one.
    static func pushedRef(_ body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return object["ref"] as? String
    }
}
