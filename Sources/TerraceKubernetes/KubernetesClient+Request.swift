import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TerraceCore

/// An answer from the API server.
struct KubernetesResponse: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
}

extension KubernetesClient {
    /// The largest answer read (a LIST of many objects can be large).
    static let maxBodySize = 256 << 20

    /// Sends one request, retrying as ``retry`` says and renewing renewable credentials once after a 401.
    ///
    /// Returns the server's answer whatever its status once no more tries are due; throws only when no answer came.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, object: ObjectReference?, action: String
    ) async throws(KubernetesError) -> KubernetesResponse {
        let url = connection.endpoint.server + path + Self.queryString(query)
        let isWrite = method != .GET && method != .HEAD && !query.contains { $0.0 == "dryRun" }
        var attempt = 0
        var renewed = false
        var generator = SystemRandomNumberGenerator()
        while true {
            attempt += 1
            let credential = try await connection.credentials.current()
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.tlsConfiguration = try tlsConfiguration(for: credential)
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "User-Agent", value: "terrace")
            if let token = credential.token {
                request.headers.add(name: "Authorization", value: "Bearer " + token.text)
            }
            if let body {
                request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            metrics.withLock {
                $0.requests += 1
                if isWrite { $0.writes += 1 }
                if attempt > 1 { $0.retries += 1 }
            }
            let response: KubernetesResponse
            do {
                let answer = try await http.execute(request, timeout: .nanoseconds(Int64(requestTimeout.components.seconds) * 1_000_000_000 + requestTimeout.components.attoseconds / 1_000_000_000))
                var headers: [String: String] = [:]
                for header in answer.headers { headers[header.name.lowercased()] = header.value }
                let bytes = try await answer.body.collect(upTo: Self.maxBodySize)
                response = KubernetesResponse(status: Int(answer.status.code), headers: headers, body: Array(buffer: bytes))
            } catch {
                let failure = classify(error, object: object)
                guard failure.code == .unreachable, !Self.isTLSFailure(error), attempt < retry.maxAttempts,
                    !Task.isCancelled
                else { throw failure }
                logger.debug("retrying after a transport failure", metadata: ["path": "\(path)", "attempt": "\(attempt)"])
                try await pause(retry.delay(attempt: attempt, retryAfter: nil, using: &generator))
                continue
            }
            if response.status == 401, !renewed, connection.credentials.isRenewable {
                renewed = true
                attempt -= 1
                await connection.credentials.invalidate()
                continue
            }
            if KubernetesRetryPolicy.isRetryable(status: response.status), attempt < retry.maxAttempts {
                let retryAfter = KubernetesRetryPolicy.parseRetryAfter(response.headers["retry-after"])
                logger.debug(
                    "retrying", metadata: ["path": "\(path)", "status": "\(response.status)", "attempt": "\(attempt)"])
                try await pause(retry.delay(attempt: attempt, retryAfter: retryAfter, using: &generator))
                continue
            }
            return response
        }
    }

    /// Sends a request and throws the error its `Status` describes unless it succeeded (2xx).
    func sendChecked(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String? = nil, object: ObjectReference?, action: String, forced: Bool = true
    ) async throws(KubernetesError) -> KubernetesResponse {
        let response = try await send(
            method, path, query: query, body: body, contentType: contentType, object: object, action: action)
        guard (200..<300).contains(response.status) else {
            throw KubernetesStatus(code: response.status, body: response.body).error(
                object: object, action: action, forced: forced)
        }
        return response
    }

    private func pause(_ seconds: Double) async throws(KubernetesError) {
        do {
            try await sleep(seconds)
        } catch {
            throw KubernetesError(.timeout, "cancelled while waiting to retry a request to \(hostDescription)")
        }
    }

    /// `https://host:port` of the server, for messages.
    var hostDescription: String {
        let server = connection.endpoint.server
        guard let schemeEnd = server.range(of: "://") else { return server }
        let rest = server[schemeEnd.upperBound...]
        return String(server[..<(rest.firstIndex(of: "/") ?? server.endIndex)])
    }

    /// A transport failure as a secret-free error: TLS failures are not retried, others are `unreachable`.
    func classify(_ error: any Error, object: ObjectReference?) -> KubernetesError {
        if error is CancellationError {
            return KubernetesError(.timeout, "the request to \(hostDescription) was cancelled", object: object?.description)
        }
        if Self.isTLSFailure(error) {
            let hint =
                connection.endpoint.certificateAuthority == nil
                ? "give the cluster's CA (ca_data, or certificate-authority-data in the kubeconfig)"
                : "check that the CA (ca_data, or certificate-authority-data in the kubeconfig) is this cluster's, and that the client certificate is accepted"
            return KubernetesError(
                .unreachable, "the TLS handshake with \(hostDescription) failed: \(Self.describeTLS(error))",
                object: object?.description, hint: hint)
        }
        if let client = error as? HTTPClientError, client == .deadlineExceeded || client == .readTimeout {
            return KubernetesError(
                .timeout, "\(hostDescription) did not answer in time", object: object?.description,
                hint: "check that the cluster is up and reachable from here")
        }
        return KubernetesError(
            .unreachable, "cannot reach \(hostDescription) (\(String(describing: type(of: error))))",
            object: object?.description, hint: "check that the cluster is up and reachable from here")
    }

    /// Whether a transport failure is a TLS failure, which another try cannot fix.
    static func isTLSFailure(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    private static func describeTLS(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate verify failed") {
            return "the server's certificate is not signed by the trusted CA"
        }
        if error is NIOSSLExtraError { return "the server's certificate is not valid for this host name" }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("certificate required") {
            return "the server asked for a client certificate"
        }
        return "handshake refused"
    }

    /// `?a=b&c=d`, names and values percent-encoded; empty for no parameters.
    static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    private static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
