/// A call to AWS failed: credentials missing, the service refused the request, or it could not be reached.
///
/// ``message`` is one line safe to show: it never holds credentials, signatures or request headers.
public struct AWSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// No usable credentials were found.
        case credentials
        /// The bucket or object does not exist (HTTP 404).
        case notFound
        /// The credentials may not do this, or are not valid (HTTP 403).
        case accessDenied
        /// A conditional request's condition did not hold (HTTP 412), e.g. `If-None-Match: *` on an existing object.
        case preconditionFailed
        /// The request conflicts with the resource's state (HTTP 409), e.g. a bucket name owned by someone else.
        case conflict
        /// The service asked to slow down (HTTP 429, `SlowDown`, `Throttling…`).
        case throttled
        /// The service failed (HTTP 5xx).
        case server
        /// The request was refused as malformed (other HTTP 4xx), or the bucket is in another region.
        case badRequest
        /// The service could not be reached: connection refused or reset, timeout.
        case transport
        /// The service answered something that could not be understood.
        case invalidResponse
    }

    /// The kind of failure.
    public var code: Code
    /// A one-line message safe to show.
    public var message: String
    /// The HTTP status, when the service answered.
    public var status: Int?
    /// The service's own error code (`NoSuchKey`, `SlowDown`…), when it sent one.
    public var serviceCode: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, status: Int? = nil, serviceCode: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.serviceCode = serviceCode
    }

    public var description: String { message }

    /// Whether trying the same request again may succeed: throttling, server errors, timeouts, lost connections.
    public var isTransient: Bool {
        switch code {
        case .throttled, .transport:
            return true
        case .server:
            return status.map { [500, 502, 503, 504].contains($0) } ?? true
        default:
            guard let serviceCode else { return false }
            return Self.transientServiceCodes.contains(serviceCode) || serviceCode.hasPrefix("Throttl")
        }
    }

    /// Service error codes worth retrying whatever their HTTP status.
    static let transientServiceCodes: Set<String> = [
        "SlowDown", "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable",
        "ConditionalRequestConflict",
    ]
}
