import Crypto
import Foundation
import TerraceCore

/// The bearer token every API call needs. Only its SHA-256 hash is kept (in the status store, or taken from a
/// mounted file's content at start); the token itself is shown once, when the service generates it.
public struct AdminToken: Sendable {
    /// The hex SHA-256 of the accepted token.
    public let hash: String

    /// The settings key of the stored hash.
    static let settingKey = "admin_token_sha256"

    /// Creates a verifier for a token whose hash is `hash`.
    public init(hash: String) {
        self.hash = hash
    }

    /// The token from `file` when given (a mounted Secret: its first line); else the stored hash; else a new
    /// token, whose hash is stored and which `announce` receives (once, ever).
    public static func prepare(
        file: String?, store: any ServiceStore, announce: (String) -> Void
    ) async throws -> AdminToken {
        if let file {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard token.count >= 16 else {
                throw ServerError("the admin token in \(file) is too short: use at least 16 characters")
            }
            return AdminToken(hash: digest(token))
        }
        if let stored = try await store.setting(settingKey) { return AdminToken(hash: stored) }
        let token = generate()
        try await store.setSetting(settingKey, digest(token))
        announce(token)
        return AdminToken(hash: digest(token))
    }

    /// A new random token: 32 bytes, URL-safe base64 without padding, prefixed `trc_`.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "trc_" + base64
    }

    /// The hex SHA-256 of `token`.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `token` is the admin token (compared in constant time).
    public func accepts(_ token: String) -> Bool {
        constantTimeEqual(Array(Self.digest(token).utf8), Array(hash.utf8))
    }
}

/// Whether two byte strings are equal, in time that depends only on their lengths.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}

/// The service cannot start or go on, with a message safe to show.
public struct ServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
