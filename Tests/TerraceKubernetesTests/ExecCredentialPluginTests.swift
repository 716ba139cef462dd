import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes
import TerraceCore

@Suite struct ExecCredentialPluginTests {
    /// A folder with an executable shell script `plugin` whose body is `body`; it counts its runs in `runs`.
    static func plugin(_ body: String) throws -> URL {
        let folder = try CommandRunner.scratchFolder()
        let script = folder.appendingPathComponent("plugin")
        try Data("#!/bin/sh\necho run >> \"\(folder.path)/runs\"\n\(body)\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return folder
    }

    static func runs(_ folder: URL) -> Int {
        let text = (try? String(contentsOf: folder.appendingPathComponent("runs"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    static func credential(_ status: String, version: String = "client.authentication.k8s.io/v1") -> String {
        "cat <<'JSON'\n{\"kind\":\"ExecCredential\",\"apiVersion\":\"\(version)\",\"status\":{\(status)}}\nJSON"
    }

    @Test func cachesATokenUntilShortlyBeforeItExpires() async throws {
        let folder = try Self.plugin(Self.credential(#""token":"tok-1","expirationTimestamp":"2030-01-01T00:00:00Z""#))
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))  // 2027
        let plugin = ExecCredentialPlugin(
            config: .init(command: folder.path + "/plugin"), refreshMargin: 30, now: { clock.now })
        let first = try await plugin.credential()
        #expect(first.token?.text == "tok-1")
        #expect(first.expiresAt == ISO8601DateFormatter().date(from: "2030-01-01T00:00:00Z"))
        _ = try await plugin.credential()
        #expect(Self.runs(folder) == 1)
        // 20 s before expiry is inside the 30 s margin: the plugin runs again.
        clock.now = try #require(first.expiresAt).addingTimeInterval(-20)
        _ = try await plugin.credential()
        #expect(Self.runs(folder) == 2)
        #expect(await plugin.runs == 2)
        await plugin.invalidate()
        clock.now = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await plugin.credential()
        #expect(Self.runs(folder) == 3)
    }

    @Test func aCredentialWithoutExpiryIsKeptUntilInvalidated() async throws {
        let folder = try Self.plugin(Self.credential(#""token":"forever""#))
        defer { try? FileManager.default.removeItem(at: folder) }
        let plugin = ExecCredentialPlugin(config: .init(command: folder.path + "/plugin"))
        for _ in 0..<3 { #expect(try await plugin.credential().token?.text == "forever") }
        #expect(Self.runs(folder) == 1)
        await plugin.invalidate()
        _ = try await plugin.credential()
        #expect(Self.runs(folder) == 2)
    }

    @Test func givesExecInfoArgumentsAndEnvironmentToThePlugin() async throws {
        let folder = try Self.plugin(
            "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$(dirname \"$0\")/info\"\n"
                + "printf '%s|%s|%s' \"$1\" \"$2\" \"$EXTRA\" > \"$(dirname \"$0\")/args\"\n"
                + Self.credential(#""token":"t""#, version: "client.authentication.k8s.io/v1beta1"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ExecPluginConfig(
            apiVersion: .v1beta1, command: "./plugin", args: ["get-token", "two words"],
            env: [.init(name: "EXTRA", value: "x=1")], provideClusterInfo: true)
        let cluster = ExecCredentialPlugin.ClusterInfo(
            server: "https://10.0.0.1:6443", certificateAuthorityData: Array("CA".utf8), tlsServerName: "kube")
        // A relative command runs from the kubeconfig's folder.
        let plugin = ExecCredentialPlugin(config: config, cluster: cluster, baseDirectory: folder.path)
        #expect(try await plugin.credential().token?.text == "t")
        let args = try String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8)
        #expect(args == "get-token|two words|x=1")
        let info = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("info")))
        let object = try #require(info as? [String: Any])
        #expect(object["kind"] as? String == "ExecCredential")
        #expect(object["apiVersion"] as? String == "client.authentication.k8s.io/v1beta1")
        let spec = try #require(object["spec"] as? [String: Any])
        #expect(spec["interactive"] as? Bool == false)
        let sent = try #require(spec["cluster"] as? [String: Any])
        #expect(sent["server"] as? String == "https://10.0.0.1:6443")
        #expect(sent["certificate-authority-data"] as? String == "Q0E=")
        #expect(sent["tls-server-name"] as? String == "kube")
        #expect(sent["insecure-skip-tls-verify"] == nil)

        let withoutInfo = ExecCredentialPlugin(
            config: .init(apiVersion: .v1beta1, command: folder.path + "/plugin"), cluster: cluster)
        _ = try await withoutInfo.credential()
        let bare = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("info")))
        #expect((bare as? [String: Any])?["spec"] as? [String: Bool] == ["interactive": false])
    }

    @Test func returnsAClientCertificateAndKey() async throws {
        let folder = try Self.plugin(Self.credential(#""clientCertificateData":"CERT","clientKeyData":"KEY""#))
        defer { try? FileManager.default.removeItem(at: folder) }
        let credential = try await ExecCredentialPlugin(config: .init(command: folder.path + "/plugin")).credential()
        #expect(credential.clientCertificate?.text == "CERT")
        #expect(credential.clientKey?.text == "KEY")
        #expect(credential.token == nil)
    }

    @Test func failuresNameThePluginAndStatusButNeverItsOutput() async throws {
        let folder = try Self.plugin("echo 'leaked-secret-stdout'\necho 'leaked-secret-stderr' >&2\nexit 3")
        defer { try? FileManager.default.removeItem(at: folder) }
        let plugin = ExecCredentialPlugin(config: .init(command: folder.path + "/plugin"))
        let error = try await #require(throws: KubernetesError.self) { try await plugin.credential() }
        #expect(error.code == .credentials)
        #expect(error.message == "the exec plugin `plugin` exited with status 3")
        #expect(!error.description.contains("leaked-secret"))
    }

    @Test func malformedCredentialsAreRefusedWithoutEchoingThem() async throws {
        let cases: [(String, String)] = [
            ("echo 'not json leaked-secret'", "printed something that is not an ExecCredential JSON object"),
            (Self.credential(#""token":"leaked-secret""#, version: "client.authentication.k8s.io/v1beta1"),
             "answered with apiVersion `client.authentication.k8s.io/v1beta1` but the kubeconfig asks for `client.authentication.k8s.io/v1`"),
            (Self.credential(#""clientCertificateData":"leaked-secret""#), "gave clientCertificateData without clientKeyData"),
            (Self.credential(#""expirationTimestamp":"2030-01-01T00:00:00Z""#), "gave neither a token nor a client certificate and key"),
            (Self.credential(#""token":"leaked-secret","expirationTimestamp":"tomorrow""#), "gave an expirationTimestamp that is not RFC 3339"),
        ]
        for (body, message) in cases {
            let folder = try Self.plugin(body)
            defer { try? FileManager.default.removeItem(at: folder) }
            let plugin = ExecCredentialPlugin(config: .init(command: folder.path + "/plugin"))
            let error = try await #require(throws: KubernetesError.self) { try await plugin.credential() }
            #expect(error.message == "the exec plugin `plugin` " + message)
            #expect(!error.description.contains("leaked-secret"))
        }
    }

    @Test func aMissingCommandShowsTheInstallHint() async throws {
        let plugin = ExecCredentialPlugin(
            config: .init(command: "terrace-no-such-plugin-\(UUID().uuidString)", installHint: "install it from example.com\n"))
        let error = try await #require(throws: KubernetesError.self) { try await plugin.credential() }
        #expect(error.message.hasPrefix("cannot run the exec plugin `terrace-no-such-plugin-"))
        #expect(error.hint == "install it from example.com")
    }

    @Test func kubeconfigExecUsersRunThePluginAndKeepTheirClientCertificate() async throws {
        let folder = try Self.plugin(Self.credential(#""token":"from-plugin""#))
        defer { try? FileManager.default.removeItem(at: folder) }
        let yaml = """
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users:
            - name: u
              user:
                client-certificate-data: \(Data("CERT".utf8).base64EncodedString())
                client-key-data: \(Data("KEY".utf8).base64EncodedString())
                exec: {apiVersion: client.authentication.k8s.io/v1, command: ./plugin}
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            """
        let config = try KubeConfig(parsing: yaml, path: folder.path + "/config")
        let connection = try config.connection()
        let credential = try await connection.credentials.current()
        #expect(credential.token?.text == "from-plugin")
        #expect(credential.clientCertificate?.text == "CERT")
        #expect(connection.credentials.isRenewable)
    }
}

/// A settable clock for cache tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date

    init(_ start: Date) { value = start }

    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
