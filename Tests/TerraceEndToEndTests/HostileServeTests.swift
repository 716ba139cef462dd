import Foundation
import Testing
import TerraceTestSupport

/// `terrace serve` fed hostile pushes: a billion laughs, 100,000-deep nesting, an apiVersion from the future. Each
/// push stalls the source with the error's file and line while the service stays up, keeps its memory, answers its
/// API and applies nothing; the fixing push recovers. No cloud is needed: validation fails before anything runs.
@Suite(.serialized) struct HostileServeTests {
    static let billionLaughs: String = {
        var lines = ["kind: Infrastructure", "name: bomb", "cloud:", "  provider: aws", "  region: us-east-1", "vars:"]
        lines.append("  a: &a [\(Array(repeating: "\"lol\"", count: 9).joined(separator: ","))]")
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            lines.append("  \(name): &\(name) [\(Array(repeating: "*\(previous)", count: 9).joined(separator: ","))]")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// The peak resident memory of process `pid` in bytes (`VmHWM`), or nil when it cannot be read.
    static func peakMemory(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// Credentials serve requires to start, for an endpoint where nothing listens: nothing may reach a cloud.
    static let offlineAWS = [
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": "hostile-test", "AWS_SECRET_ACCESS_KEY": "hostile-test",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    ]

    /// A signed webhook push, accepted.
    static func push(_ serve: ServeProcess, secret: String) async throws {
        let (body, headers) = try await ServeLifecycleTests.signedPush(secret: secret, style: "github")
        #expect(try await serve.request("POST", "/hooks/git", headers: headers, body: body).0 == 202)
    }

    @Test("hostile pushes stall the source with their error; the service stays up, applies nothing, and recovers")
    func hostilePushes() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = try await GitWorkRepo.create(at: folder.path + "/git/infra", files: [
            "terrace.yaml": "kind: Project\nname: hostile\n", "modules/m/main.tf": "variable \"x\" {\n  type = any\n}\n",
        ])
        let daemon = try await GitDaemon.start(basePath: folder.path + "/git")
        defer { daemon.stop() }
        let secret = "webhook-secret-for-hostile-tests"
        try secret.write(toFile: folder.path + "/webhook-secret", atomically: true, encoding: .utf8)
        let serve = try await ServeProcess.start(
            ["--repo", daemon.url("infra"), "--interval", "1h", "--drift-interval", "0", "--data", "data", "--webhook-secret-file", "webhook-secret"],
            in: folder, environment: Self.offlineAWS)
        defer { serve.kill() }
        let token = try #require(serve.printedToken, "\(serve.log)")
        try await serve.waitUntil("the first revision to be valid") {
            let source = try await serve.api("/source", token: token)
            return ServeLifecycleTests.condition(source, "Ready")?["status"] as? String == "True"
        }

        let deep = "kind: Infrastructure\nname: deep\ncloud: {provider: aws, region: us-east-1}\nvars:\n  x: "
            + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let expression = "kind: Infrastructure\nname: expr\ncloud: {provider: aws, region: us-east-1}\nunits:\n  - name: a\n"
            + "    module: ../modules/m\n    inputs:\n      x: \"${"
            + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000) + "}\"\n"
        let symlinked = "kind: Infrastructure\nname: etc\ncloud: {provider: aws, region: us-east-1}\nunits:\n  - name: etc\n"
            + "    module: ../modules/etc\n"
        let hostile: [(file: String, text: String, error: String)] = [
            ("infrastructures/bomb.yaml", Self.billionLaughs, "infrastructures/bomb.yaml:12:13: error: YAML alias `*e` expands the file past"),
            ("infrastructures/deep.yaml", deep, "infrastructures/deep.yaml:5:7: error: YAML nested more than 64 levels deep"),
            ("infrastructures/expr.yaml", expression, "infrastructures/expr.yaml:8:77: error: expression nested too deeply"),
            ("infrastructures/next.yaml", "apiVersion: terrace.dev/v9\nkind: Infrastructure\nname: next\n",
             "infrastructures/next.yaml:1:13: error: unsupported apiVersion `terrace.dev/v9`"),
            ("infrastructures/etc.yaml", symlinked,
             "infrastructures/etc.yaml:6:13: error: module path `modules/etc` leaves the repository through a symbolic link"),
        ]
        // The last one's module is a symbolic link to /etc, committed as such. It stays in the repository: unused, and
        // skipped when files are listed, it does no harm.
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/modules/etc", withDestinationPath: "/etc")
        for (file, text, error) in hostile {
            let revision = try await repo.commit([file: text], message: "hostile: \(file)")
            try await Self.push(serve, secret: secret)
            var source: [String: Any] = [:]
            try await serve.waitUntil("the source to stall on \(file)") {
                source = try await serve.api("/source", token: token)
                return source["fetchedRevision"] as? String == revision && ServeLifecycleTests.condition(source, "Stalled") != nil
            }
            #expect(ServeLifecycleTests.condition(source, "Stalled")?["reason"] as? String == "ValidationFailed")
            let errors = try #require(source["errors"] as? [String])
            #expect(errors.contains { $0.hasPrefix(error) }, "\(errors)")
            // Up, answering, applying nothing.
            #expect(serve.isRunning)
            #expect(try await serve.request("GET", "/healthz").0 == 200)
            let infrastructures = try #require(try await serve.api("/infrastructures", token: token)["infrastructures"] as? [Any])
            #expect(infrastructures.isEmpty)
            let runs = try #require(try await serve.api("/runs?limit=100", token: token)["runs"] as? [Any])
            #expect(runs.isEmpty)

            // The fixing push (the file removed) makes the source valid again.
            let fixed = try await repo.commit([file: nil], message: "remove \(file)")
            try await Self.push(serve, secret: secret)
            try await serve.waitUntil("the source to recover from \(file)") {
                let source = try await serve.api("/source", token: token)
                return source["validRevision"] as? String == fixed
                    && ServeLifecycleTests.condition(source, "Ready")?["status"] as? String == "True"
            }
        }
        // The alias bomb expanded would take gigabytes; the service stayed far below.
        let peak = try #require(Self.peakMemory(serve.pid))
        #expect(peak < 1 << 30, "peak resident memory \(peak) bytes")
        #expect(serve.isRunning)
        #expect(await serve.terminate())
        #expect(serve.exitStatus == 0, "\(serve.logTail)")
    }
}
