import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A tiny HTTP(S) server on 127.0.0.1 and a free port, answering each request as the test's script says: a status,
/// headers and body, or a dropped connection. It records every request. Built on swift-nio directly so TLS (and
/// client-certificate checks) are a handler in the pipeline.
final class ScriptedAPIServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [String: String]
        var body: [UInt8]

        var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
        var query: String { uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "" }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Reply: Sendable {
        case respond(Int, headers: [String: String] = [:], body: String = "")
        case drop

        static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Reply {
            .respond(status, headers: headers.merging(["Content-Type": "application/json"]) { new, _ in new }, body: body)
        }
    }

    struct TLS {
        var certificatePEM: String
        var keyPEM: String
        /// When set, clients must present a certificate signed by this CA.
        var clientCAPEM: String?
    }

    let port: Int
    let isTLS: Bool
    private let channel: any Channel
    private let recorder: Recorder

    var url: String { (isTLS ? "https" : "http") + "://127.0.0.1:\(port)" }
    var requests: [Request] { recorder.requests.withLock { $0 } }

    private init(port: Int, isTLS: Bool, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.isTLS = isTLS
        self.channel = channel
        self.recorder = recorder
    }

    static func with<T>(
        tls: TLS? = nil, _ script: @escaping @Sendable (Request) -> Reply, _ body: (ScriptedAPIServer) async throws -> T
    ) async throws -> T {
        let server = try await start(tls: tls, script)
        do {
            let result = try await body(server)
            try await server.channel.close()
            return result
        } catch {
            try? await server.channel.close()
            throw error
        }
    }

    private static func start(tls: TLS?, _ script: @escaping @Sendable (Request) -> Reply) async throws -> ScriptedAPIServer {
        var sslContext: NIOSSLContext?
        if let tls {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(tls.certificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(tls.keyPEM.utf8), format: .pem)))
            if let clientCA = tls.clientCAPEM {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCA.utf8)))
            }
            sslContext = try NIOSSLContext(configuration: configuration)
        }
        let recorder = Recorder()
        let context = sslContext
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(script: script, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw CancellationError() }
        return ScriptedAPIServer(port: port, isTLS: tls != nil, channel: channel, recorder: recorder)
    }

    final class Recorder: Sendable {
        let requests = Mutex<[Request]>([])
    }

    private final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let script: @Sendable (Request) -> Reply
        let recorder: Recorder
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(script: @escaping @Sendable (Request) -> Reply, recorder: Recorder) {
            self.script = script
            self.recorder = recorder
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body = []
            case .body(let buffer):
                body += Array(buffer: buffer)
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let request = Request(method: head.method.rawValue, uri: head.uri, headers: headers, body: body)
                recorder.requests.withLock { $0.append(request) }
                switch script(request) {
                case .drop:
                    context.close(promise: nil)
                case .respond(let status, let extra, let text):
                    var responseHeaders = HTTPHeaders()
                    for (name, value) in extra { responseHeaders.add(name: name, value: value) }
                    responseHeaders.add(name: "Content-Length", value: String(text.utf8.count))
                    let responseHead = HTTPResponseHead(
                        version: head.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
                    context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
