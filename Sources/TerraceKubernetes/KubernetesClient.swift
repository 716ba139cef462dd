import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization
import TerraceCore

/// Talks to one cluster's API server over HTTPS: discovery, server-side apply, get, list, delete and waits.
///
/// Requests carry a bearer token from ``KubernetesConnection/credentials`` and present a client certificate when the
/// credentials hold one; the server is trusted through the endpoint's CA only. Failed requests (429, 5xx, dropped
/// connections) are retried by ``retry``. Use ``withClient(_:retry:logger:_:)`` so the connections are closed.
public final class KubernetesClient: Sendable {
    /// The cluster and credentials.
    public let connection: KubernetesConnection
    /// How failed requests are retried.
    public let retry: KubernetesRetryPolicy
    /// The longest one HTTP request may take.
    public let requestTimeout: Duration
    let http: HTTPClient
    let logger: Logger
    let discovery = DiscoveryCache()
    let tlsCache = Mutex<[TLSKey: TLSConfiguration]>([:])
    let sleep: @Sendable (Double) async throws -> Void
    let metrics = Mutex<RequestCounts>(RequestCounts())

    /// Counts of what the client sent, for tests and benchmarks.
    public struct RequestCounts: Hashable, Sendable {
        /// HTTP requests sent, retries included.
        public var requests = 0
        /// Requests that could change the cluster (PATCH, POST, PUT, DELETE without dry-run).
        public var writes = 0
        /// Tries that were retried.
        public var retries = 0
    }

    struct TLSKey: Hashable {
        var certificate: SensitiveData?
        var key: SensitiveData?
    }

    /// Creates a client with its own HTTP connections; call ``shutdown()`` when done.
    /// - Parameters:
    ///   - requestTimeout: the longest one request may take.
    ///   - connectTimeout: the longest spent connecting; AsyncHTTPClient keeps retrying a refused connection or a
    ///     failed TLS handshake until then, so it also bounds how long a wrong CA takes to report.
    ///   - sleep: how the client waits between tries (for tests); `Task.sleep` by default.
    public init(
        connection: KubernetesConnection, retry: KubernetesRetryPolicy = .standard, requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10), logger: Logger = Logger(label: "terrace.kubernetes"),
        sleep: @escaping @Sendable (Double) async throws -> Void = { seconds in
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        }
    ) {
        self.connection = connection
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.sleep = sleep
        var configuration = HTTPClient.Configuration()
        let connectNanoseconds =
            connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .nanoseconds(max(10_000_000, connectNanoseconds)), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Runs `body` with a new client and closes its connections afterwards, whatever happens.
    public static func withClient<T>(
        _ connection: KubernetesConnection, retry: KubernetesRetryPolicy = .standard,
        logger: Logger = Logger(label: "terrace.kubernetes"), _ body: (KubernetesClient) async throws -> T
    ) async throws -> T {
        let client = KubernetesClient(connection: connection, retry: retry, logger: logger)
        let result: T
        do {
            result = try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        return result
    }

    /// Closes the client's connections; the client is not used afterwards.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// What the client has sent so far.
    public var requestCounts: RequestCounts { metrics.withLock { $0 } }

    /// The TLS settings for a request presenting `credential`.
    func tlsConfiguration(for credential: KubernetesCredential) throws(KubernetesError) -> TLSConfiguration {
        let key = TLSKey(certificate: credential.clientCertificate, key: credential.clientKey)
        if let cached = tlsCache.withLock({ $0[key] }) { return cached }
        let endpoint = connection.endpoint
        var tls = TLSConfiguration.makeClientConfiguration()
        if endpoint.insecureSkipTLSVerify {
            tls.certificateVerification = .none
        } else {
            if let ca = endpoint.certificateAuthority {
                tls.trustRoots = .certificates(try Self.certificates(ca, what: "the cluster's CA"))
            }
            if endpoint.tlsServerName != nil {
                // AsyncHTTPClient checks the URL's host; with another server name set, the chain is still checked
                // against the cluster's CA only, but the name is not.
                tls.certificateVerification = .noHostnameVerification
            }
        }
        if let certificate = credential.clientCertificate, let privateKey = credential.clientKey {
            tls.certificateChain = try Self.certificates(certificate.bytes, what: "the client certificate").map {
                .certificate($0)
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: privateKey.bytes, format: .pem))
            } catch {
                throw KubernetesError(.configuration, "the client key is not a PEM private key")
            }
        }
        tlsCache.withLock { $0[key] = tls }
        return tls
    }

    /// PEM (one or more certificates) or DER bytes as certificates.
    static func certificates(_ bytes: [UInt8], what: String) throws(KubernetesError) -> [NIOSSLCertificate] {
        if let pem = try? NIOSSLCertificate.fromPEMBytes(bytes), !pem.isEmpty { return pem }
        if let der = try? NIOSSLCertificate(bytes: bytes, format: .der) { return [der] }
        throw KubernetesError(.configuration, "\(what) is neither a PEM nor a DER certificate")
    }
}
