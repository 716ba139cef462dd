import Foundation
import TerraceCore

/// Reads the `ExecCredential` a credential plugin prints: its `status` becomes a ``KubernetesCredential``.
///
/// Errors say what is wrong with the shape, never what the output held.
enum ExecCredentialStatus {
    private struct Document: Decodable {
        var apiVersion: String?
        var kind: String?
        var status: Status?
    }

    private struct Status: Decodable {
        var token: String?
        var clientCertificateData: String?
        var clientKeyData: String?
        var expirationTimestamp: String?
    }

    /// Parses `output`.
    /// - Parameters:
    ///   - expected: the API version the plugin was configured with; the output must match it.
    ///   - plugin: the plugin's name for messages.
    static func parse(_ output: [UInt8], expected: ExecPluginConfig.APIVersion, plugin: String) throws(KubernetesError)
        -> KubernetesCredential
    {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(output))
        } catch {
            throw KubernetesError(
                .credentials, "the exec plugin `\(plugin)` printed something that is not an ExecCredential JSON object")
        }
        guard document.kind == "ExecCredential" else {
            throw KubernetesError(
                .credentials, "the exec plugin `\(plugin)` printed kind `\(document.kind ?? "")`, not `ExecCredential`")
        }
        guard document.apiVersion == expected.rawValue else {
            throw KubernetesError(
                .credentials,
                "the exec plugin `\(plugin)` answered with apiVersion `\(document.apiVersion ?? "")` but the kubeconfig asks for `\(expected.rawValue)`"
            )
        }
        guard let status = document.status else {
            throw KubernetesError(.credentials, "the exec plugin `\(plugin)` printed an ExecCredential without `status`")
        }
        let token = status.token.flatMap { $0.isEmpty ? nil : SensitiveData($0) }
        let certificate = status.clientCertificateData.flatMap { $0.isEmpty ? nil : SensitiveData($0) }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : SensitiveData($0) }
        if (certificate == nil) != (key == nil) {
            throw KubernetesError(
                .credentials,
                "the exec plugin `\(plugin)` gave \(certificate == nil ? "clientKeyData without clientCertificateData" : "clientCertificateData without clientKeyData")"
            )
        }
        if token == nil && certificate == nil {
            throw KubernetesError(
                .credentials, "the exec plugin `\(plugin)` gave neither a token nor a client certificate and key")
        }
        var expiry: Date?
        if let text = status.expirationTimestamp, !text.isEmpty {
            guard let date = parseTimestamp(text) else {
                throw KubernetesError(
                    .credentials, "the exec plugin `\(plugin)` gave an expirationTimestamp that is not RFC 3339")
            }
            expiry = date
        }
        return KubernetesCredential(token: token, clientCertificate: certificate, clientKey: key, expiresAt: expiry)
    }

    /// An RFC 3339 time, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
