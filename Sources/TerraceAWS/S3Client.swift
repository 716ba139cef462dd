import AsyncHTTPClient
import Foundation

/// Speaks to S3 (or an S3-compatible endpoint): buckets, versioning and objects, signed with SigV4.
///
/// Without an endpoint, requests go to `https://<bucket>.s3.<region>.amazonaws.com/<key>` (path style for bucket
/// names holding dots); with one, to `<endpoint>/<bucket>/<key>`. Transient failures are retried as ``retry`` says.
/// A client created with its own HTTP client must be shut down: prefer ``withS3Client(region:endpoint:credentials:retry:_:)``.
public struct S3Client: Sendable {
    /// The region of the buckets, e.g. `eu-west-1`.
    public let region: String
    /// An URL every call goes to instead of AWS (an emulator such as moto), or nil.
    public let endpoint: String?
    /// How transient failures are retried.
    public let retry: RetryPolicy
    /// The most seconds one try may take.
    public var timeout: Double = 60
    /// What sends the requests.
    public let transport: any S3Transport
    let signer: SigV4Signer

    /// Creates a client sending requests through `transport`.
    public init(
        region: String, endpoint: String? = nil, credentials: AWSCredentials, retry: RetryPolicy = .standard,
        transport: any S3Transport
    ) {
        self.region = region
        self.endpoint = endpoint.flatMap { $0.isEmpty ? nil : $0 }
        self.retry = retry
        self.transport = transport
        self.signer = SigV4Signer(credentials: credentials, region: region, service: "s3")
    }

    /// Creates a client using `httpClient`, which the caller keeps and shuts down.
    public init(
        region: String, endpoint: String? = nil, credentials: AWSCredentials, retry: RetryPolicy = .standard,
        httpClient: HTTPClient
    ) {
        self.init(
            region: region, endpoint: endpoint, credentials: credentials, retry: retry,
            transport: HTTPClientTransport(client: httpClient))
    }

    /// Creates a client with its own HTTP client; call ``shutdown()`` when done.
    public init(region: String, endpoint: String? = nil, credentials: AWSCredentials, retry: RetryPolicy = .standard) {
        self.init(region: region, endpoint: endpoint, credentials: credentials, retry: retry, transport: HTTPClientTransport())
    }

    /// Runs `body` with a new client and shuts the client down afterwards, whatever happens.
    public static func withS3Client<T>(
        region: String, endpoint: String? = nil, credentials: AWSCredentials, retry: RetryPolicy = .standard,
        _ body: (S3Client) async throws -> T
    ) async throws -> T {
        let client = S3Client(region: region, endpoint: endpoint, credentials: credentials, retry: retry)
        let result: T
        do {
            result = try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return result
    }

    /// Releases the client's connections; the client is not used afterwards.
    public func shutdown() async throws(AWSError) {
        try await transport.shutdown()
    }

    // MARK: - Sending

    /// Where a request for `bucket` and `key` goes.
    struct Location: Hashable, Sendable {
        /// `https://host[:port]`.
        var origin: String
        /// The `Host` header.
        var host: String
        /// The path, not yet encoded.
        var path: String
    }

    /// The URL parts of `bucket`/`key` (key nil for bucket operations).
    func location(bucket: String, key: String?) -> Location {
        let keyPath = key.map { "/" + $0 } ?? ""
        if let endpoint {
            let parts = Self.splitEndpoint(endpoint)
            return Location(origin: parts.origin, host: parts.host, path: parts.basePath + "/" + bucket + keyPath)
        }
        if bucket.contains(".") {
            let host = "s3.\(region).amazonaws.com"
            return Location(origin: "https://" + host, host: host, path: "/" + bucket + keyPath)
        }
        let host = "\(bucket).s3.\(region).amazonaws.com"
        return Location(origin: "https://" + host, host: host, path: key == nil ? "/" : keyPath)
    }

    /// The origin (`scheme://host:port`), `Host` header and path prefix of an endpoint URL.
    static func splitEndpoint(_ endpoint: String) -> (origin: String, host: String, basePath: String) {
        var text = endpoint
        while text.hasSuffix("/") { text.removeLast() }
        let scheme: String
        if let range = text.range(of: "://") {
            scheme = String(text[text.startIndex..<range.lowerBound]).lowercased()
            text = String(text[range.upperBound...])
        } else {
            scheme = "https"
        }
        let slash = text.firstIndex(of: "/") ?? text.endIndex
        var host = String(text[text.startIndex..<slash])
        let basePath = String(text[slash...])
        if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
            host = String(host[host.startIndex..<(host.lastIndex(of: ":") ?? host.endIndex)])
        }
        return (scheme + "://" + host, host, basePath)
    }

    /// Sends a signed request, retrying transient failures; returns a 2xx answer or throws the S3 error.
    func send(
        _ operation: String, method: String, bucket: String, key: String? = nil, query: [String: String] = [:],
        headers: [String: String] = [:], body: [UInt8] = []
    ) async throws(AWSError) -> S3HTTPResponse {
        let location = location(bucket: bucket, key: key)
        let resource = "s3://" + bucket + (key.map { "/" + $0 } ?? "")
        let encodedQuery = Self.urlQuery(query)
        let url = location.origin + SigV4Signer.canonicalURI(location.path) + (encodedQuery.isEmpty ? "" : "?" + encodedQuery)
        let payloadHash = SigV4Signer.hash(body)
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let signed = signer.sign(
                method: method, host: location.host, path: location.path, query: query, headers: headers,
                payloadHash: payloadHash, date: Date())
            let request = S3HTTPRequest(method: method, url: url, headers: signed, body: body, timeout: timeout)
            let failure: AWSError
            do {
                let response = try await transport.send(request)
                if (200...299).contains(response.status) { return response }
                failure = AWSError.s3(
                    status: response.status, body: response.body, operation: operation, resource: resource,
                    headers: response.headers)
            } catch {
                failure = AWSError(error.code, "S3 \(operation) on \(resource) failed: \(error.message)",
                    status: error.status, serviceCode: error.serviceCode)
            }
            guard retry.shouldRetry(failure, attempt: attempt), !Task.isCancelled else { throw failure }
            let delay = retry.delay(attempt: attempt, using: &generator)
            do {
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            } catch {
                throw failure
            }
            attempt += 1
        }
    }

    /// The URL query: like the canonical one, but a subresource with no value is sent bare (`?versioning`).
    static func urlQuery(_ query: [String: String]) -> String {
        SigV4Signer.encodedPairs(query).map { pair in pair.value.isEmpty ? pair.name : pair.name + "=" + pair.value }
            .joined(separator: "&")
    }
}
