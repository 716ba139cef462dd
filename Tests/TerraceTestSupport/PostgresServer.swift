import Foundation

/// A PostgreSQL server for tests: the one `TERRACE_TEST_POSTGRES_URL` names (`.ci/run` starts it), else one this
/// process starts itself on 127.0.0.1 (as the `postgres` user when run as root) and stops at exit.
public final class PostgresServer: @unchecked Sendable {
    /// `postgres://user@127.0.0.1:port` without a database.
    public let baseURL: String

    private init(baseURL: String) {
        self.baseURL = baseURL
    }

    /// The shared server, started on first use.
    public static func shared() async throws -> PostgresServer {
        try await Registry.shared.server()
    }

    /// A new empty database on the server; returns its URL (`?sslmode=disable`).
    public func createDatabase() async throws -> String {
        let name = "terrace_test_" + UUID().uuidString.prefix(8).lowercased()
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env", ["psql", baseURL + "/postgres?sslmode=disable", "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE \(name)"],
            in: URL(fileURLWithPath: "/tmp"))
        guard output.status == 0 else { throw HarnessError("cannot create a test database: \(output.stderr)") }
        return baseURL + "/" + name + "?sslmode=disable"
    }

    private actor Registry {
        static let shared = Registry()
        private var started: PostgresServer?

        func server() async throws -> PostgresServer {
            if let started { return started }
            let server: PostgresServer
            if let url = ProcessInfo.processInfo.environment["TERRACE_TEST_POSTGRES_URL"], !url.isEmpty {
                server = PostgresServer(baseURL: url.split(separator: "/", omittingEmptySubsequences: false).prefix(3).joined(separator: "/"))
            } else {
                server = try await PostgresServer.startLocal()
            }
            started = server
            return server
        }
    }

    /// Starts a throw-away cluster with trust authentication for user `terrace`.
    private static func startLocal() async throws -> PostgresServer {
        let binaries = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql").sorted().last
            .map { "/usr/lib/postgresql/\($0)/bin" }
        guard let binaries, FileManager.default.isExecutableFile(atPath: binaries + "/initdb") else {
            throw HarnessError("PostgreSQL is not installed (apt-get install postgresql), and TERRACE_TEST_POSTGRES_URL is not set")
        }
        let port = try MotoServer.freePort()
        let folder = "/tmp/terrace-pg-\(port)"
        let script = """
            set -e
            rm -rf \(folder); mkdir -p \(folder)
            if [ "$(id -u)" = 0 ]; then chown postgres \(folder); RUN="runuser -u postgres --"; else RUN=""; fi
            $RUN \(binaries)/initdb -D \(folder)/data -U terrace -A trust >/dev/null
            $RUN \(binaries)/pg_ctl -D \(folder)/data -l \(folder)/log -w -o "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off" start </dev/null >/dev/null 2>&1
            """
        // PostgreSQL needs its signals (a process started from a Swift concurrency thread inherits blocked ones), and
        // its output goes to a file, not a pipe the server would inherit and hold open. `system` waits for the script.
        let scriptPath = "/tmp/terrace-pg-\(port).sh"
        let outputPath = "/tmp/terrace-pg-\(port).out"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(atPath: scriptPath)
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        let unmasked = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv('/bin/sh', ['/bin/sh', sys.argv[1]])"
        let command = "/usr/bin/env python3 -c \"\(unmasked)\" \(scriptPath) </dev/null >\(outputPath) 2>&1"
        let status = try await Blocking.run { system(command) }
        guard status == 0 else {
            throw HarnessError("cannot start PostgreSQL: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
        }
        let stop = "if [ \"$(id -u)\" = 0 ]; then runuser -u postgres -- \(binaries)/pg_ctl -D \(folder)/data -m immediate stop; "
            + "else \(binaries)/pg_ctl -D \(folder)/data -m immediate stop; fi; rm -rf \(folder)"
        StopAtExit.register(stop)
        return PostgresServer(baseURL: "postgres://terrace@127.0.0.1:\(port)")
    }
}

/// Shell commands run when the test process exits.
enum StopAtExit {
    nonisolated(unsafe) private static var commands: [String] = []
    private static let lock = NSLock()

    static func register(_ command: String) {
        lock.lock()
        defer { lock.unlock() }
        if commands.isEmpty {
            atexit {
                StopAtExit.lock.lock()
                let all = StopAtExit.commands
                StopAtExit.lock.unlock()
                for command in all {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/bin/sh")
                    process.arguments = ["-c", command + " >/dev/null 2>&1"]
                    try? process.run()
                    process.waitUntilExit()
                }
            }
        }
        commands.append(command)
    }
}
