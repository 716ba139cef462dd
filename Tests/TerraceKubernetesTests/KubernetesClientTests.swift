import Foundation
import Synchronization
import TerraceCore
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes

/// The client's HTTP behaviour against a scripted server on loopback: TLS, credentials, retries, Status mapping,
/// request shapes, discovery and waits.
@Suite struct KubernetesClientTests {
    typealias Request = ScriptedAPIServer.Request
    typealias Reply = ScriptedAPIServer.Reply

    /// Per-group discovery answers for the kinds the tests use; anything else under /api or /apis is 404.
    static func discovery(_ request: Request, extra: [String: String] = [:]) -> Reply? {
        let lists: [String: String] = [
            "/api/v1": #"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get","patch"]},{"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","patch","delete"]},{"name":"pods/status","namespaced":true,"kind":"Pod"}]}"#,
            "/apis/apps/v1": #"{"kind":"APIResourceList","groupVersion":"apps/v1","resources":[{"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["get","patch"]},{"name":"deployments/status","namespaced":true,"kind":"Deployment"}]}"#,
        ].merging(extra) { _, new in new }
        guard request.method == "GET", request.path.hasPrefix("/api/") || request.path.hasPrefix("/apis/") else { return nil }
        let segments = request.path.split(separator: "/")
        let isGroupVersion = (segments.first == "api" && segments.count == 2) || (segments.first == "apis" && segments.count == 3)
        guard isGroupVersion else { return nil }
        if let list = lists[request.path] { return .json(200, list) }
        return .json(404, status(404, "NotFound", "the server could not find the requested resource"))
    }

    static func status(_ code: Int, _ reason: String, _ message: String, causes: String = "") -> String {
        #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"\#(message)","reason":"\#(reason)","details":{"causes":[\#(causes)]},"code":\#(code)}"#
    }

    static func connection(
        _ server: ScriptedAPIServer, ca: String? = nil, insecure: Bool = false, credentials: KubernetesCredentials = .token(SensitiveData("test-token")),
        namespace: String? = nil
    ) -> KubernetesConnection {
        KubernetesConnection(
            endpoint: KubernetesEndpoint(
                server: server.url, certificateAuthority: ca.map { Array($0.utf8) }, insecureSkipTLSVerify: insecure),
            credentials: credentials, namespace: namespace)
    }

    /// A client that records the waits between tries instead of sleeping.
    static func client(_ connection: KubernetesConnection, attempts: Int = 4, delays: Delays = Delays()) -> KubernetesClient {
        KubernetesClient(
            connection: connection, retry: KubernetesRetryPolicy(maxAttempts: attempts, baseDelay: 0.5, maxDelay: 4),
            connectTimeout: .seconds(2), sleep: { seconds in delays.values.withLock { $0.append(seconds) } })
    }

    final class Delays: Sendable {
        let values = Mutex<[Double]>([])
        var all: [Double] { values.withLock { $0 } }
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
    }

    static let deployment: Value = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "argocd-server", "namespace": "argocd"],
        "spec": ["replicas": 1],
    ]
    static let deploymentReference = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "argocd", name: "argocd-server")

    // MARK: - TLS and credentials

    @Test func trustsTheClusterCAAndSendsTheBearerToken() async throws {
        let pki = try TestPKI()
        let leaf = try pki.issue(commonName: "kube-apiserver")
        try await ScriptedAPIServer.with(tls: .init(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM)) { request in
            Self.discovery(request) ?? .json(200, #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"argocd-server","namespace":"argocd"}}"#)
        } _: { server in
            let client = Self.client(Self.connection(server, ca: pki.caPEM))
            let object = try await client.get(Self.deploymentReference)
            #expect(object?["metadata"]?["name"] == "argocd-server")
            let last = try #require(server.requests.last)
            #expect(last.path == "/apis/apps/v1/namespaces/argocd/deployments/argocd-server")
            #expect(last.headers["authorization"] == "Bearer test-token")
            #expect(last.headers["accept"] == "application/json")
            await client.shutdown()
        }
    }

    @Test func refusesAServerSignedByAnotherCAUnlessInsecureIsExplicit() async throws {
        let pki = try TestPKI()
        let other = try TestPKI(name: "Someone Else")
        let leaf = try pki.issue(commonName: "kube-apiserver")
        try await ScriptedAPIServer.with(tls: .init(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM)) { request in
            Self.discovery(request) ?? .json(200, "{}")
        } _: { server in
            let client = Self.client(Self.connection(server, ca: other.caPEM))
            let error = try await #require(throws: KubernetesError.self) { try await client.get(Self.deploymentReference) }
            #expect(error.code == .unreachable)
            #expect(error.message == "the TLS handshake with \(server.url) failed: the server's certificate is not signed by the trusted CA")
            #expect(client.requestCounts.retries == 0)
            #expect(server.requests.isEmpty)
            await client.shutdown()

            let insecure = Self.client(Self.connection(server, insecure: true))
            #expect(try await insecure.get(Self.deploymentReference) != nil)
            await insecure.shutdown()
        }
    }

    @Test func presentsAClientCertificateWhenTheServerRequiresOne() async throws {
        let pki = try TestPKI()
        let leaf = try pki.issue(commonName: "kube-apiserver")
        let user = try pki.issue(commonName: "terrace-admin")
        let tls = ScriptedAPIServer.TLS(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM, clientCAPEM: pki.caPEM)
        try await ScriptedAPIServer.with(tls: tls) { request in
            Self.discovery(request) ?? .json(200, "{}")
        } _: { server in
            let withCertificate = Self.client(
                Self.connection(
                    server, ca: pki.caPEM,
                    credentials: .fixed(
                        KubernetesCredential(
                            clientCertificate: SensitiveData(user.certificatePEM), clientKey: SensitiveData(user.keyPEM)))))
            #expect(try await withCertificate.get(Self.deploymentReference) != nil)
            #expect(server.requests.last?.headers["authorization"] == nil)
            await withCertificate.shutdown()

            let without = Self.client(Self.connection(server, ca: pki.caPEM))
            let error = try await #require(throws: KubernetesError.self) { try await without.get(Self.deploymentReference) }
            #expect(error.code == .unreachable)
            #expect(error.message.hasPrefix("the TLS handshake with \(server.url) failed"))
            await without.shutdown()

            let broken = Self.client(
                Self.connection(
                    server, ca: pki.caPEM,
                    credentials: .fixed(KubernetesCredential(clientCertificate: SensitiveData(user.certificatePEM), clientKey: SensitiveData("not a key")))))
            let keyError = try await #require(throws: KubernetesError.self) { try await broken.get(Self.deploymentReference) }
            #expect(keyError.message == "the client key is not a PEM private key")
            await broken.shutdown()
        }
    }

    @Test func a401WithAFixedTokenIsReportedWithoutRetrying() async throws {
        try await ScriptedAPIServer.with { request in
            .json(401, Self.status(401, "Unauthorized", "Unauthorized"))
        } _: { server in
            let client = Self.client(Self.connection(server, credentials: .token(SensitiveData("bad-secret-token"))))
            let error = try await #require(throws: KubernetesError.self) { try await client.get(Self.deploymentReference) }
            #expect(error.code == .unauthorized)
            #expect(error.message == "the cluster refused the credentials (HTTP 401)")
            #expect(!error.description.contains("bad-secret-token"))
            #expect(server.requests.count == 1)
            await client.shutdown()
        }
    }

    @Test func a401RenewsAnExecPluginCredentialOnce() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The first run prints an expired-on-the-server token, later runs a good one.
        let script = """
            #!/bin/sh
            echo run >> "\(folder.path)/runs"
            n=$(wc -l < "\(folder.path)/runs")
            if [ "$n" -eq 1 ]; then t=stale; else t=fresh; fi
            printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"%s"}}' "$t"
            """
        try Data(script.utf8).write(to: folder.appendingPathComponent("plugin"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path + "/plugin")
        try await ScriptedAPIServer.with { request in
            guard request.headers["authorization"] == "Bearer fresh" else {
                return .json(401, Self.status(401, "Unauthorized", "Unauthorized"))
            }
            return Self.discovery(request) ?? .json(200, "{}")
        } _: { server in
            let plugin = ExecCredentialPlugin(config: .init(command: folder.path + "/plugin"))
            let client = Self.client(Self.connection(server, credentials: .exec(plugin)))
            let fetched = try await client.get(Self.deploymentReference)
            #expect(fetched != nil)
            #expect(await plugin.runs == 2)
            #expect(server.requests.map(\.headers["authorization"]) == ["Bearer stale", "Bearer fresh", "Bearer fresh"])
            await client.shutdown()
        }
    }

    // MARK: - Retries

    @Test func retries5xxWithBackoffAndJitterThenSucceeds() async throws {
        let counter = Counter()
        let delays = Delays()
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            return counter.next() <= 2 ? .json(503, Self.status(503, "ServiceUnavailable", "etcd is busy")) : .json(200, "{}")
        } _: { server in
            let client = Self.client(Self.connection(server), delays: delays)
            let fetched = try await client.get(Self.deploymentReference)
            #expect(fetched != nil)
            #expect(client.requestCounts.retries == 2)
            let waits = delays.all
            #expect(waits.count == 2)
            // Backoff 0.5 s then 1 s, each with jitter taking it down to no less than half.
            #expect((0.25...0.5).contains(waits[0]))
            #expect((0.5...1.0).contains(waits[1]))
            await client.shutdown()
        }
    }

    @Test func honoursRetryAfterOn429() async throws {
        let counter = Counter()
        let delays = Delays()
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            return counter.next() == 1
                ? .json(429, Self.status(429, "TooManyRequests", "slow down"), headers: ["Retry-After": "7"])
                : .json(200, "{}")
        } _: { server in
            let client = Self.client(Self.connection(server), delays: delays)
            let fetched = try await client.get(Self.deploymentReference)
            #expect(fetched != nil)
            #expect(delays.all == [7])
            await client.shutdown()
        }
    }

    @Test func givesUpAfterABoundedNumberOfAttempts() async throws {
        let counter = Counter()
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            _ = counter.next()
            return .json(500, Self.status(500, "InternalError", "boom"))
        } _: { server in
            let client = Self.client(Self.connection(server), attempts: 3)
            let error = try await #require(throws: KubernetesError.self) { try await client.apply(Self.deployment) }
            #expect(error.code == .server)
            #expect(error.message == "boom")
            #expect(error.object == "apps/v1 Deployment argocd/argocd-server")
            #expect(counter.value.withLock { $0 } == 3)
            await client.shutdown()
        }
    }

    @Test func retriesADroppedConnection() async throws {
        let counter = Counter()
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            return counter.next() == 1 ? .drop : .json(200, "{}")
        } _: { server in
            let client = Self.client(Self.connection(server))
            let fetched = try await client.get(Self.deploymentReference)
            #expect(fetched != nil)
            #expect(counter.value.withLock { $0 } == 2)
            await client.shutdown()
        }
    }

    @Test func anUnreachableServerIsReportedAfterTheLastTry() async throws {
        // A port that was just free and is closed again.
        let port = try await ScriptedAPIServer.with { _ in .drop } _: { $0.port }
        let connection = KubernetesConnection(
            endpoint: KubernetesEndpoint(server: "http://127.0.0.1:\(port)"), credentials: .anonymous)
        let delays = Delays()
        let client = Self.client(connection, attempts: 2, delays: delays)
        let error = try await #require(throws: KubernetesError.self) { try await client.get(Self.deploymentReference) }
        #expect(error.code == .unreachable)
        #expect(error.message.hasPrefix("cannot reach http://127.0.0.1:\(port)"))
        #expect(delays.all.count == 1)
        await client.shutdown()
    }

    // MARK: - Status objects

    @Test func statusObjectsBecomeErrorsThatNameTheObjectAndSayWhatNext() async throws {
        let causes = #"{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"},{"reason":"FieldValueRequired","message":"Required value","field":"spec.selector"}"#
        let answers: [(Int, String, KubernetesError)] = [
            (409, Self.status(409, "Conflict", #"Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"#),
             KubernetesError(.conflict, #"Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas"#, object: "apps/v1 Deployment argocd/argocd-server",
                 hint: "another writer changed the object meanwhile: run again")),
            (422, Self.status(422, "Invalid", "Deployment.apps \\\"argocd-server\\\" is invalid", causes: causes),
             KubernetesError(.invalid, "spec.replicas: Invalid value: -1: must be greater than or equal to 0; spec.selector: Required value",
                 object: "apps/v1 Deployment argocd/argocd-server", hint: "fix the object in the manifest and apply again")),
            (400, Self.status(400, "BadRequest", #"strict decoding error: unknown field \"spec.replica\""#),
             KubernetesError(.invalid, #"strict decoding error: unknown field "spec.replica""#, object: "apps/v1 Deployment argocd/argocd-server",
                 hint: "fix the object in the manifest: unknown or malformed fields are refused")),
            (404, Self.status(404, "NotFound", #"namespaces \"argocd\" not found"#),
             KubernetesError(.notFound, #"namespaces "argocd" not found"#, object: "apps/v1 Deployment argocd/argocd-server",
                 hint: "create its namespace first, or check that the kind's CRD is installed")),
            (403, Self.status(403, "Forbidden", #"deployments.apps \"argocd-server\" is forbidden: User \"x\" cannot patch"#),
             KubernetesError(.unauthorized, #"deployments.apps "argocd-server" is forbidden: User "x" cannot patch"#, object: "apps/v1 Deployment argocd/argocd-server",
                 hint: "grant the identity Terrace runs as the permission to apply it")),
        ]
        for (code, body, expected) in answers {
            try await ScriptedAPIServer.with { request in
                Self.discovery(request) ?? .json(code, body)
            } _: { server in
                let client = Self.client(Self.connection(server), attempts: 1)
                let error = try await #require(throws: KubernetesError.self) { try await client.apply(Self.deployment) }
                #expect(error == expected)
                await client.shutdown()
            }
        }
        let unforced = KubernetesStatus(code: 409, body: Array(Self.status(409, "Conflict", "conflict").utf8))
            .error(object: Self.deploymentReference, action: "apply", forced: false)
        #expect(unforced.hint == "another field manager owns these fields: apply with force to take them over, or stop setting them")
        let plain = KubernetesStatus(code: 502, body: Array("<html>bad gateway</html>".utf8)).error(object: nil, action: "get")
        #expect(plain.code == .server)
        #expect(plain.message == "the server answered HTTP 502")
    }

    // MARK: - Requests

    @Test func appliesServerSideWithTheRightRequest() async throws {
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            return .respond(201, headers: ["Content-Type": "application/json"], body: request.text)
        } _: { server in
            let client = Self.client(Self.connection(server, namespace: "team"))
            let applied = try await client.apply(Self.deployment)
            #expect(applied == Self.deployment)
            let patch = try #require(server.requests.last)
            #expect(patch.method == "PATCH")
            #expect(patch.path == "/apis/apps/v1/namespaces/argocd/deployments/argocd-server")
            #expect(patch.query == "fieldManager=terrace&fieldValidation=Strict&force=true")
            #expect(patch.headers["content-type"] == "application/apply-patch+yaml")
            #expect(try JSONDecoder().decode(Value.self, from: Data(patch.body)) == Self.deployment)
            #expect(client.requestCounts.writes == 1)

            // Dry run; a namespaced object without a namespace goes to the connection's.
            let configMap: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings"], "data": ["a": "1"]]
            _ = try await client.apply(configMap, dryRun: true)
            let dry = try #require(server.requests.last)
            #expect(dry.path == "/api/v1/namespaces/team/configmaps/settings")
            #expect(dry.query == "fieldManager=terrace&fieldValidation=Strict&force=true&dryRun=All")
            let sent = try JSONDecoder().decode(Value.self, from: Data(dry.body))
            #expect(sent["metadata"]?["namespace"] == "team")
            #expect(client.requestCounts.writes == 1)

            // A cluster-scoped object loses a stray namespace.
            let namespace: Value = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "argocd", "namespace": "oops"]]
            _ = try await client.apply(namespace)
            let cluster = try #require(server.requests.last)
            #expect(cluster.path == "/api/v1/namespaces/argocd")
            #expect(try JSONDecoder().decode(Value.self, from: Data(cluster.body))["metadata"] == ["name": "argocd"])
            await client.shutdown()
        }
    }

    @Test func discoveryIsCachedAndRepeatedWhenAKindIsMissing() async throws {
        let crdEstablished = Mutex(false)
        let applicationList = #"{"kind":"APIResourceList","groupVersion":"argoproj.io/v1alpha1","resources":[{"name":"applications","namespaced":true,"kind":"Application","verbs":["get","patch"]}]}"#
        try await ScriptedAPIServer.with { request in
            let extra = crdEstablished.withLock { $0 } ? ["/apis/argoproj.io/v1alpha1": applicationList] : [:]
            return Self.discovery(request, extra: extra) ?? .json(200, request.text.isEmpty ? "{}" : request.text)
        } _: { server in
            let client = Self.client(Self.connection(server))
            let application: Value = [
                "apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": ["name": "guestbook", "namespace": "argocd"],
            ]
            let missing = try await #require(throws: KubernetesError.self) { try await client.apply(application) }
            #expect(missing.code == .notFound)
            #expect(missing.message == "the server does not serve argoproj.io/v1alpha1 Application")
            #expect(missing.object == "argoproj.io/v1alpha1 Application argocd/guestbook")
            #expect(missing.hint?.contains("install the CRD that defines Application first") == true)
            crdEstablished.withLock { $0 = true }
            _ = try await client.apply(application)
            _ = try await client.apply(application)
            _ = try await client.apply(Self.deployment)
            _ = try await client.apply(Self.deployment)
            let discoveries = server.requests.filter { $0.method == "GET" }.map(\.path)
            #expect(discoveries == ["/apis/argoproj.io/v1alpha1", "/apis/argoproj.io/v1alpha1", "/apis/apps/v1"])
            let resource = try await client.resource(for: GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment"))
            #expect(resource == APIResource(kind: .init(apiVersion: "apps/v1", kind: "Deployment"), name: "deployments", namespaced: true, verbs: ["get", "patch"]))
            let typo = try await #require(throws: KubernetesError.self) {
                try await client.resource(for: GroupVersionKind(apiVersion: "apps/v1", kind: "Deploymnet"))
            }
            #expect(typo.hint == "did you mean `Deployment`? is the CRD that defines Deploymnet installed and Established?")
            await client.invalidateDiscovery()
            _ = try await client.apply(Self.deployment)
            #expect(server.requests.filter { $0.path == "/apis/apps/v1" }.count == 3)
            await client.shutdown()
        }
    }

    @Test func listsEveryPageWithALabelSelector() async throws {
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            if request.query.contains("continue=page2") {
                return .json(200, #"{"kind":"ConfigMapList","metadata":{},"items":[{"metadata":{"name":"c"}}]}"#)
            }
            return .json(200, #"{"kind":"ConfigMapList","metadata":{"continue":"page2"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#)
        } _: { server in
            let client = Self.client(Self.connection(server))
            let items = try await client.list(
                GroupVersionKind(apiVersion: "v1", kind: "ConfigMap"), namespace: "argocd",
                labelSelector: "app.kubernetes.io/part-of=argocd,tier!=web")
            #expect(items.compactMap { $0["metadata"]?["name"]?.stringValue } == ["a", "b", "c"])
            #expect(items.allSatisfy { $0["apiVersion"] == "v1" && $0["kind"] == "ConfigMap" })
            let lists = server.requests.filter { $0.path == "/api/v1/namespaces/argocd/configmaps" }
            #expect(lists.map(\.query) == [
                "limit=500&labelSelector=app.kubernetes.io%2Fpart-of%3Dargocd%2Ctier%21%3Dweb",
                "limit=500&labelSelector=app.kubernetes.io%2Fpart-of%3Dargocd%2Ctier%21%3Dweb&continue=page2",
            ])
            await client.shutdown()
        }
    }

    @Test func deletesWithAPropagationPolicyAndWaitsUntilGone() async throws {
        let polls = Counter()
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            switch request.method {
            case "DELETE": return request.path.hasSuffix("/gone") ? .json(404, Self.status(404, "NotFound", "not found")) : .json(200, "{}")
            default:
                return polls.next() < 3
                    ? .json(200, #"{"metadata":{"name":"settings","finalizers":["example.com/cleanup"]}}"#)
                    : .json(404, Self.status(404, "NotFound", "not found"))
            }
        } _: { server in
            let client = Self.client(Self.connection(server))
            let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: "settings")
            #expect(try await client.delete(reference, propagationPolicy: .foreground))
            let delete = try #require(server.requests.last)
            #expect(delete.path == "/api/v1/namespaces/argocd/configmaps/settings")
            #expect(try JSONDecoder().decode(Value.self, from: Data(delete.body)) == ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"])
            #expect(try await client.delete(ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "argocd", name: "gone")) == false)
            try await client.waitForDeletion(reference, timeout: .seconds(30), pollInterval: .milliseconds(5))
            #expect(polls.value.withLock { $0 } == 3)
            await client.shutdown()
        }
    }

    @Test func waitsForAConditionAndTimesOutNamingWhatItSaw() async throws {
        let polls = Counter()
        try await ScriptedAPIServer.with { request in
            if let reply = Self.discovery(request) { return reply }
            if request.path.hasSuffix("/stuck") {
                return .json(200, #"{"status":{"conditions":[{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable","message":"0/1 ready"}]}}"#)
            }
            let status = polls.next() < 3 ? "False" : "True"
            return .json(200, #"{"status":{"conditions":[{"type":"Available","status":"\#(status)"}]}}"#)
        } _: { server in
            let client = Self.client(Self.connection(server))
            let object = try await client.waitForCondition(
                Self.deploymentReference, type: "Available", timeout: .seconds(30), pollInterval: .milliseconds(5))
            #expect(object?.condition("Available")?["status"] == "True")
            #expect(polls.value.withLock { $0 } == 3)

            let stuck = ObjectReference(apiVersion: "apps/v1", kind: "Deployment", namespace: "argocd", name: "stuck")
            let error = try await #require(throws: KubernetesError.self) {
                try await client.waitForCondition(stuck, type: "Available", timeout: .milliseconds(30), pollInterval: .milliseconds(5))
            }
            #expect(error.code == .timeout)
            #expect(error.object == "apps/v1 Deployment argocd/stuck")
            #expect(error.message.hasPrefix("not Available=True after"))
            #expect(error.message.hasSuffix("(last seen: Available=False (MinimumReplicasUnavailable): 0/1 ready)"))

            let failing = try await #require(throws: KubernetesError.self) {
                try await client.wait(for: stuck, timeout: .seconds(30), what: "healthy") { _ in .failed("Degraded: image pull failed") }
            }
            #expect(failing.message == "Degraded: image pull failed")
            await client.shutdown()
        }
    }
}
