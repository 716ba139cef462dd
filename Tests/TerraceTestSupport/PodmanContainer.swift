import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A container of the Terrace image run with podman, on the host's network, driven over HTTP on 127.0.0.1 like
/// ``ServeProcess``. Podman reads `deploy/image/containers.conf` (runc, cgroupfs, the ulimits) through
/// `CONTAINERS_CONF`, unless the environment names another file. Remove it with ``remove()``.
public final class PodmanContainer: @unchecked Sendable {
    /// The container's name.
    public let name: String
    /// The port its `terrace serve` listens on (127.0.0.1, host network).
    public let port: Int

    private init(name: String, port: Int) {
        self.name = name
        self.port = port
    }

    /// The image under test: `TERRACE_TEST_IMAGE`, which `scripts/test.sh` sets after `scripts/build-image.sh`.
    public static var imageUnderTest: String? {
        ProcessInfo.processInfo.environment["TERRACE_TEST_IMAGE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The environment podman runs with: `CONTAINERS_CONF` pointing at the repository's `deploy/image/containers.conf`.
    public static var podmanEnvironment: [String: String] {
        if let explicit = ProcessInfo.processInfo.environment["CONTAINERS_CONF"], !explicit.isEmpty { return [:] }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
        return ["CONTAINERS_CONF": root.appendingPathComponent("deploy/image/containers.conf").path]
    }

    /// Runs `podman arguments…`; returns its output whatever its status.
    @discardableResult
    public static func podman(_ arguments: [String]) async throws -> CommandRunner.Output {
        try await CommandRunner.runExecutable(
            "/usr/bin/env", ["podman"] + arguments, in: URL(fileURLWithPath: "/tmp"), environment: podmanEnvironment)
    }

    /// Runs `podman arguments…` and returns its standard output; throws when it fails.
    @discardableResult
    public static func podmanChecked(_ arguments: [String]) async throws -> String {
        let output = try await podman(arguments)
        guard output.status == 0 else {
            throw HarnessError("podman \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.stderr)")
        }
        return output.stdout
    }

    /// Starts a detached container of `image` named `name` on the host's network with a read-only root file system
    /// (`podman run -d --network=host --read-only …`), `options` added before the image (volumes, environment) and
    /// `command` after it; `TERRACE_LISTEN` is set to 127.0.0.1:`port`. The user is the image's.
    public static func run(
        image: String, name: String, port: Int, options: [String], command: [String]
    ) async throws -> PodmanContainer {
        _ = try await podman(["rm", "-f", "--ignore", name])
        try await podmanChecked(
            ["run", "-d", "--name", name, "--network=host", "--read-only", "-e", "TERRACE_LISTEN=127.0.0.1:\(port)"]
                + options + [image] + command)
        return PodmanContainer(name: name, port: port)
    }

    /// `podman start`s the stopped container again, with the same configuration and volumes.
    public func start() async throws {
        try await Self.podmanChecked(["start", name])
    }

    /// Waits until `/readyz` answers 200 (at most `timeout` seconds); throws with the container's log otherwise.
    public func waitUntilReady(timeout: Double = 120) async throws {
        try await waitUntil("the container's /readyz to answer 200", timeout: timeout) {
            guard try await state() == "running" else { throw HarnessError("the container is not running") }
            return (try? await request("GET", "/readyz"))?.0 == 200
        }
    }

    /// Runs `command` inside the running container as its user (`podman exec`).
    public func exec(_ command: [String]) async throws -> CommandRunner.Output {
        try await Self.podman(["exec", name] + command)
    }

    /// `podman inspect --format format` of the container.
    public func inspect(_ format: String) async throws -> String {
        try await Self.podmanChecked(["inspect", "--type", "container", "--format", format, name])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The container's state: `running`, `exited`, ….
    public func state() async throws -> String { try await inspect("{{.State.Status}}") }

    /// The exit code of the container's main process, once it exited.
    public func exitCode() async throws -> Int? { Int(try await inspect("{{.State.ExitCode}}")) }

    /// Everything the container printed (standard output and error).
    public func logs() async -> String {
        guard let output = try? await Self.podman(["logs", name]) else { return "" }
        return output.stdout + output.stderr
    }

    /// The last 60 lines of ``logs()``.
    public func logTail() async -> String {
        await logs().split(separator: "\n", omittingEmptySubsequences: false).suffix(60).joined(separator: "\n")
    }

    /// `podman stop -t timeout`: SIGTERM (tini passes it on to terrace), then SIGKILL after `timeout` seconds.
    public func stop(timeout: Int = 40) async throws {
        try await Self.podmanChecked(["stop", "-t", String(timeout), name])
    }

    /// Removes the container, stopping it first with SIGKILL if it still runs.
    public func remove() async {
        _ = try? await Self.podman(["rm", "-f", "-t", "0", name])
    }

    /// Sends a request to the service; returns the status and the body.
    public func request(_ method: String, _ path: String, token: String? = nil) async throws -> (Int, Data) {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw HarnessError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// GETs an API path with the token and decodes the JSON object.
    public func api(_ path: String, token: String) async throws -> [String: Any] {
        let (status, data) = try await request("GET", "/api/v1" + path, token: token)
        guard status == 200, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError("GET /api/v1\(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// Like ``ServeProcess/waitUntil(_:timeout:_:)``; a timeout also shows the end of the container's log.
    public func waitUntil(_ what: String, timeout: Double = 600, _ condition: () async throws -> Bool) async throws {
        do {
            try await ServeProcess.waitUntil(what, timeout: timeout, condition)
        } catch let error as HarnessError {
            throw HarnessError("\(error.description)\n--- the last lines of the container's log:\n\(await logTail())")
        }
    }
}
