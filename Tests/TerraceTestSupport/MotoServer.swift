import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A local AWS API (moto's server from PyPI) on 127.0.0.1 and a free port, for end-to-end tests.
///
/// Started with `MOTO_IAM_LOAD_MANAGED_POLICIES=true` (AWS managed IAM policies exist) and
/// `MOTO_ACM_VALIDATION_WAIT=0`. Stop it with ``stop()``; prefer ``with(_:)``, which always stops it.
public final class MotoServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    private let process: Process

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Credentials and region moto accepts, as environment variables for AWS clients and Terraform.
    public var environment: [String: String] {
        [
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        ]
    }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Starts a server and waits until it answers (at most `timeout` seconds).
    public static func start(timeout: Double = 30) async throws -> MotoServer {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A process started from a Swift concurrency thread inherits that thread's blocked signals (SIGTERM, SIGINT
        // among them), so moto would never see `terminate()`: unblock them before running moto's server.
        let launcher =
            "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
            + "sys.argv = ['moto.server', '-H', '127.0.0.1', '-p', '\(port)']; "
            + "runpy.run_module('moto.server', run_name='__main__', alter_sys=True)"
        process.arguments = ["python3", "-c", launcher]
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        environment["MOTO_ACM_VALIDATION_WAIT"] = "0"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(port: port, process: process)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if await server.isReady() { return server }
            guard process.isRunning else { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        server.stop()
        throw HarnessError("moto's server did not start on port \(port); install it with `pip install 'moto[server]'`")
    }

    /// Runs `body` with a fresh server and stops the server afterwards, whatever happens.
    public static func with<T>(_ body: (MotoServer) async throws -> T) async throws -> T {
        let server = try await start()
        defer { server.stop() }
        return try await body(server)
    }

    /// Stops the server and waits for it to exit.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Forgets every resource the server holds.
    public func reset() async throws {
        var request = URLRequest(url: URL(string: endpoint + "/moto-api/reset")!)
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
    }

    private func isReady() async -> Bool {
        guard let url = URL(string: endpoint + "/moto-api/") else { return false }
        var request = URLRequest(url: url)
        request.timeoutInterval = 1
        return (try? await URLSession.shared.data(for: request)) != nil
    }

    /// A TCP port on 127.0.0.1 that is free now, for a server a test starts.
    ///
    /// Taken below the kernel's ephemeral range (32768–60999 by default), so the outgoing connections of everything
    /// running in parallel (Terraform, git, HTTP clients) cannot take it between now and the server's bind; and never
    /// handed out twice in this process.
    public static func freePort() throws -> Int {
        let range = 20_000..<32_000
        for _ in 0..<2_000 {
            let candidate = Int.random(in: range)
            let fresh = PortLedger.shared.withLock { $0.insert(candidate).inserted }
            if fresh, canBind(candidate) { return candidate }
        }
        throw HarnessError("no free TCP port on 127.0.0.1 in \(range)")
    }

    /// Whether a socket can bind 127.0.0.1:`port` now.
    static func canBind(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// The ports ``MotoServer/freePort()`` has handed out in this process.
enum PortLedger {
    static let shared = Mutex<Set<Int>>([])
}

/// A test harness could not set something up.
public struct HarnessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}
