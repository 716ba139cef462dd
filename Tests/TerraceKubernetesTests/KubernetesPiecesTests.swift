import Foundation
import TerraceCore
import TerraceTestSupport
import Testing
import X509

@testable import TerraceKubernetes

@Suite struct KubernetesPiecesTests {
    @Test func objectsAreNamedAsMessagesShowThem() throws {
        let deployment: Value = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "argocd-server", "namespace": "argocd"]]
        #expect(try ObjectReference(of: deployment).description == "apps/v1 Deployment argocd/argocd-server")
        let crd = ObjectReference(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "applications.argoproj.io")
        #expect(crd.description == "apiextensions.k8s.io/v1 CustomResourceDefinition applications.argoproj.io")
        #expect(GroupVersionKind(apiVersion: "v1", kind: "ConfigMap") == GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"))
        let nameless: Value = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": [:]]
        #expect(throws: KubernetesError.self) { try ObjectReference(of: nameless) }
    }

    @Test func resourcePathsFollowTheAPILayout() {
        let deployments = APIResource(kind: .init(apiVersion: "apps/v1", kind: "Deployment"), name: "deployments", namespaced: true)
        #expect(deployments.objectPath(namespace: "argocd", name: "argocd-server") == "/apis/apps/v1/namespaces/argocd/deployments/argocd-server")
        #expect(deployments.collectionPath(namespace: nil) == "/apis/apps/v1/deployments")
        let namespaces = APIResource(kind: .init(apiVersion: "v1", kind: "Namespace"), name: "namespaces", namespaced: false)
        #expect(namespaces.objectPath(namespace: "ignored", name: "argocd") == "/api/v1/namespaces/argocd")
        #expect(namespaces.objectPath(namespace: nil, name: "a/b?c") == "/api/v1/namespaces/a%2Fb%3Fc")
        #expect(KubernetesClient.queryString([("labelSelector", "a in (x, y)"), ("dryRun", "All")]) == "?labelSelector=a%20in%20%28x%2C%20y%29&dryRun=All")
        #expect(KubernetesClient.queryString([]) == "")
    }

    @Test func retryDelaysBackOffWithJitterAndHonourRetryAfter() {
        let policy = KubernetesRetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 4, maxRetryAfter: 10)
        var generator = SeededGenerator(state: 7)
        for (attempt, full) in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 4.0), (30, 4.0)] {
            let delay = policy.delay(attempt: attempt, retryAfter: nil, using: &generator)
            #expect((full / 2...full).contains(delay))
        }
        #expect(policy.delay(attempt: 1, retryAfter: 3, using: &generator) == 3)
        #expect(policy.delay(attempt: 1, retryAfter: 300, using: &generator) == 10)
        #expect(KubernetesRetryPolicy.parseRetryAfter(" 2 ") == 2)
        #expect(KubernetesRetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(KubernetesRetryPolicy.parseRetryAfter(nil) == nil)
        #expect(KubernetesRetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect([429, 500, 502, 503, 504].allSatisfy(KubernetesRetryPolicy.isRetryable(status:)))
        #expect(![400, 401, 403, 404, 409, 422, 501].contains(where: KubernetesRetryPolicy.isRetryable(status:)))
    }

    @Test func tlsServerNameAcceptsACertificateForAnotherNameStillSignedByTheCA() async throws {
        let pki = try TestPKI()
        let leaf = try pki.issue(commonName: "kube", names: [.dnsName("kubernetes.internal")])
        try await ScriptedAPIServer.with(tls: .init(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM)) { request in
            KubernetesClientTests.discovery(request) ?? .json(200, "{}")
        } _: { server in
            let reference = ObjectReference(apiVersion: "v1", kind: "ConfigMap", namespace: "a", name: "b")
            func client(_ serverName: String?, ca: String) -> KubernetesClient {
                KubernetesClient(
                    connection: KubernetesConnection(
                        endpoint: KubernetesEndpoint(server: server.url, certificateAuthority: Array(ca.utf8), tlsServerName: serverName),
                        credentials: .anonymous),
                    retry: .none, connectTimeout: .seconds(2))
            }
            // The certificate names kubernetes.internal, not 127.0.0.1: refused without tls-server-name.
            let plain = client(nil, ca: pki.caPEM)
            let error = try await #require(throws: KubernetesError.self) { try await plain.get(reference) }
            #expect(error.message.hasPrefix("the TLS handshake with \(server.url) failed"))
            await plain.shutdown()
            let named = client("kubernetes.internal", ca: pki.caPEM)
            let fetched = try await named.get(reference)
            #expect(fetched != nil)
            await named.shutdown()
            // The chain is still checked against the cluster's CA.
            let stranger = client("kubernetes.internal", ca: try TestPKI(name: "Other").caPEM)
            await #expect(throws: KubernetesError.self) { try await stranger.get(reference) }
            await stranger.shutdown()
        }
    }
}
