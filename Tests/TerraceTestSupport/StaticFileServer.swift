import Foundation

/// Serves the files of a folder over plain HTTP on 127.0.0.1 at a port it picks (Python's `http.server`), for
/// manifests that tests fetch "from the network"; stopped by the test.
public final class StaticFileServer: @unchecked Sendable {
    /// The port listened on.
    public let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// The URL of `path` (relative to the served folder).
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    /// Serves `directory` until `body` returns.
    public static func with<T>(directory: String, _ body: (StaticFileServer) async throws -> T) async throws -> T {
        let port = try MotoServer.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", directory]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = StaticFileServer(port: port, process: process)
        defer { server.stop() }
        var listening = false
        for _ in 0..<100 where !listening {
            listening = GitDaemon.accepts(port: port)
            if !listening { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard listening else { throw HarnessError("the static file server did not start on port \(port)") }
        return try await body(server)
    }

    private func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
    }
}
