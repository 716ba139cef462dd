import Crypto
import Foundation
import HTTPTypes

/// Checks that a push webhook comes from the git host: GitHub's `X-Hub-Signature-256: sha256=<hex>` and the
/// generic `X-Terrace-Signature: sha256=<hex>` (both HMAC-SHA256 of the raw body with the shared secret), or
/// GitLab's `X-Gitlab-Token: <secret>`. Without a secret every call is refused.
public struct WebhookVerifier: Sendable {
    private let secret: [UInt8]?

    /// The largest body accepted, in bytes.
    public static let maxBodySize = 1 << 20

    /// Creates a verifier for `secret` (nil: webhooks disabled).
    public init(secret: String?) {
        self.secret = secret.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    /// Whether a secret is configured.
    public var isEnabled: Bool { secret != nil }

    /// Whether `headers` sign `body` with the shared secret.
    public func verify(headers: HTTPFields, body: [UInt8]) -> Bool {
        guard let secret else { return false }
        for name in ["X-Hub-Signature-256", "X-Terrace-Signature"] {
            guard let field = HTTPField.Name(name), let value = headers[field] else { continue }
            return verifySignature(value, body: body, secret: secret)
        }
        if let field = HTTPField.Name("X-Gitlab-Token"), let token = headers[field] {
            return constantTimeEqual(Array(token.utf8), secret)
        }
        return false
    }

    private func verifySignature(_ value: String, body: [UInt8], secret: [UInt8]) -> Bool {
        guard value.hasPrefix("sha256=") else { return false }
        let given = Array(value.dropFirst("sha256=".count).lowercased().utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret))
        let expected = Array(mac.map { String(format: "%02x", $0) }.joined().utf8)
        return constantTimeEqual(given, expected)
    }

    /// The hex HMAC-SHA256 signature header value for `body` with `secret` (`sha256=<hex>`), as senders compute it.
    public static func signature(for body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
