import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Sends one HTTP request and returns the whole answer; ``S3Client`` signs, retries and interprets it.
///
/// ``HTTPClientTransport`` is the real one; tests pass fakes.
public protocol S3Transport: Sendable {
    /// Sends `request` and returns the answer, whatever its status.
    /// Throws ``AWSError`` with code `transport` when no answer came (refused, reset, timed out).
    func send(_ request: S3HTTPRequest) async throws(AWSError) -> S3HTTPResponse
    /// Releases the transport's connections; it is not used afterwards.
    func shutdown() async throws(AWSError)
}

/// An HTTP request ready to send.
public struct S3HTTPRequest: Hashable, Sendable {
    /// `GET`, `PUT`…
    public var method: String
    /// The full URL, already percent-encoded.
    public var url: String
    /// The headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]
    /// The most seconds to wait for the whole answer.
    public var timeout: Double

    /// Creates a request.
    public init(method: String, url: String, headers: [String: String] = [:], body: [UInt8] = [], timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// An HTTP answer.
public struct S3HTTPResponse: Hashable, Sendable {
    /// The status, e.g. 200.
    public var status: Int
    /// The headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]

    /// Creates an answer.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends requests with AsyncHTTPClient.
public struct HTTPClientTransport: S3Transport {
    /// The most bytes of a response body read; S3's records and listings are far smaller.
    public static let maxBodySize = 64 * 1024 * 1024

    /// The client sending requests.
    public let client: HTTPClient
    private let ownsClient: Bool

    /// Uses `client`, which the caller shuts down (``shutdown()`` leaves it alone).
    public init(client: HTTPClient) {
        self.client = client
        self.ownsClient = false
    }

    /// Creates its own client, shut down by ``shutdown()``.
    /// - Parameter connectTimeout: the most seconds to spend connecting; AsyncHTTPClient keeps retrying a refused
    ///   connection until then, so it also bounds how long one try against an unreachable endpoint takes.
    public init(connectTimeout: Double = 5) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .milliseconds(Int64(max(0.01, connectTimeout) * 1000)), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.ownsClient = true
    }

    public func send(_ request: S3HTTPRequest) async throws(AWSError) -> S3HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            outgoing.headers.add(name: name, value: value)
        }
        if !request.body.isEmpty || request.method == "PUT" || request.method == "POST" {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(request.timeout * 1000)))
            var headers: [String: String] = [:]
            for header in response.headers {
                headers[header.name.lowercased()] = header.value
            }
            let body: ByteBuffer
            if request.method == "HEAD" {
                body = ByteBuffer()
            } else {
                body = try await response.body.collect(upTo: Self.maxBodySize)
            }
            return S3HTTPResponse(status: Int(response.status.code), headers: headers, body: Array(buffer: body))
        } catch let error as CancellationError {
            throw AWSError(.transport, "the request to \(Self.hostOf(request.url)) was cancelled: \(error)")
        } catch {
            throw AWSError(.transport, "cannot reach \(Self.hostOf(request.url)): \(Self.describe(error))")
        }
    }

    public func shutdown() async throws(AWSError) {
        guard ownsClient else { return }
        do {
            try await client.shutdown()
        } catch {
            throw AWSError(.transport, "cannot shut down the HTTP client: \(Self.describe(error))")
        }
    }

    /// The scheme and host of `url`, without path or query.
    static func hostOf(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        return String(url[url.startIndex..<hostEnd])
    }

    /// A short, secret-free account of a client error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "read timed out"
            case .deadlineExceeded: return "request timed out"
            case .remoteConnectionClosed: return "connection closed by the server"
            case .cancelled: return "cancelled"
            default: break
            }
        }
        let text = String(describing: error)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
