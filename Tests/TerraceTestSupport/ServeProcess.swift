import Foundation
import TerraceLocal
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running `terrace serve`, driven over HTTP as a user or a git host would.
public final class ServeProcess: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    /// Its log (standard error and output).
    public let logPath: String
    private let process: Process

    private init(port: Int, logPath: String, process: Process) {
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }

    /// Its exit status, once it exited.
    public var exitStatus: Int32 { process.terminationStatus }

    /// Starts `terrace serve arguments… --listen 127.0.0.1:<free port>` in `folder` with `environment` added, and
    /// waits until `/healthz` answers. Its signal mask is cleared first: a process started from a Swift concurrency
    /// thread inherits that thread's blocked SIGTERM and SIGINT.
    ///
    /// `port` is the port to listen on when the test picked it beforehand (a `--public-url` naming it), else a free one.
    public static func start(
        _ arguments: [String], in folder: URL, environment: [String: String], name: String = "serve", port: Int? = nil
    ) async throws -> ServeProcess {
        let port = try port ?? MotoServer.freePort()
        let logPath = folder.appendingPathComponent("\(name)-\(port).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let launcher = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv(sys.argv[1], sys.argv[1:])"
        let process = CommandRunner.makeProcess(
            "/usr/bin/env", ["python3", "-c", launcher, CommandRunner.binary, "serve"] + arguments + ["--listen", "127.0.0.1:\(port)"],
            in: folder, environment: environment)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let serve = ServeProcess(port: port, logPath: logPath, process: process)
        for _ in 0..<600 {
            if let (status, _) = try? await serve.request("GET", "/healthz"), status == 200 { return serve }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        serve.kill()
        throw HarnessError("terrace serve did not start:\n\(serve.log)")
    }

    /// Everything it printed so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The admin token it printed on first start, if it did.
    public var printedToken: String? {
        log.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("trc_") }
    }

    /// Sends a request; returns the status and the body.
    public func request(
        _ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> (Int, Data) {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw HarnessError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// The service's address, `http://127.0.0.1:<port>`.
    public var base: String { "http://127.0.0.1:\(port)" }

    /// The last 60 lines of its log.
    public var logTail: String { log.split(separator: "\n", omittingEmptySubsequences: false).suffix(60).joined(separator: "\n") }

    /// Sends a request without following redirects (to see a 303 and where it goes) and without cookies; returns the
    /// status, the body and the response's headers (names in lower case).
    public func exchange(
        _ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> (Int, Data, [String: String]) {
        guard let url = URL(string: base + path) else { throw HarnessError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        request.httpShouldHandleCookies = false
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await NoRedirects.session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return (http?.statusCode ?? 0, data, fields)
    }

    /// GETs an API path with the token and decodes the JSON object.
    public func api(_ path: String, token: String) async throws -> [String: Any] {
        let (status, data) = try await request("GET", "/api/v1" + path, token: token)
        guard status == 200, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError("GET /api/v1\(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// Sends SIGTERM and waits up to `timeout` seconds for the process to exit; returns whether it did.
    @discardableResult
    public func terminate(timeout: Double = 120) async -> Bool {
        guard process.isRunning else { return true }
        Foundation.kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }

    /// Kills the process and everything it started (Terraform, providers) with SIGKILL, as a crashed container
    /// would lose them.
    public func kill() {
        guard process.isRunning else { return }
        let victims = [process.processIdentifier] + Self.descendants(of: process.processIdentifier)
        for pid in victims { Foundation.kill(pid, SIGKILL) }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
    }

    /// The processes below `pid`.
    public static func descendants(of pid: Int32) -> [Int32] { ProcessTree.descendants(of: pid) }

    /// Like ``waitUntil(_:timeout:_:)``, and a timeout also shows the end of this service's log.
    public func waitUntil(_ what: String, timeout: Double = 600, _ condition: () async throws -> Bool) async throws {
        do {
            try await Self.waitUntil(what, timeout: timeout, condition)
        } catch let error as HarnessError {
            throw HarnessError("\(error.description)\n--- the last lines of the service's log:\n\(logTail)")
        }
    }

    /// Waits until `condition` holds, checking every 200 ms for at most `timeout` seconds (generous: a run's Terraform
    /// on a machine busy with other suites can take minutes; a condition that holds returns at once); throws with
    /// `what`, and the error of the last check when it threw.
    public static func waitUntil(
        _ what: String, timeout: Double = 600, _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var lastError: (any Error)?
        while Date() < deadline {
            do {
                if try await condition() { return }
                lastError = nil
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("timed out waiting for \(what)\(lastError.map { " (last error: \($0))" } ?? " (the condition did not hold)")")
    }
}

/// A URL session that does not follow redirects and keeps no cookies.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
