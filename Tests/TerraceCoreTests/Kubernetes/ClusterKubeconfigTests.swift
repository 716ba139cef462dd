import Foundation
import Testing
import Yams

@testable import TerraceCore
import TerraceTestSupport

@Suite struct ClusterKubeconfigTests {
    static let kubeconfig = ClusterKubeconfig(
        name: "dev", clusterName: "dev-eks", server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
        certificateAuthorityData: "LS0tQ0EtLS0=", region: "eu-west-1")

    @Test func printsAKubeconfigWithAnExecPluginAndNoCredential() throws {
        let text = try Self.kubeconfig.yaml()
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(document["current-context"] as? String == "dev")
        let cluster = try #require((document["clusters"] as? [[String: Any]])?.first?["cluster"] as? [String: Any])
        #expect(cluster["server"] as? String == "https://ABC.gr7.eu-west-1.eks.amazonaws.com")
        #expect(cluster["certificate-authority-data"] as? String == "LS0tQ0EtLS0=")
        let user = try #require((document["users"] as? [[String: Any]])?.first?["user"] as? [String: Any])
        #expect(user.keys.sorted() == ["exec"], "no token, key or certificate in the file")
        let exec = try #require(user["exec"] as? [String: Any])
        #expect(exec["command"] as? String == "aws")
        #expect(exec["args"] as? [String] == ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "dev-eks", "--output", "json"])
    }

    @Test func mergeReplacesItsOwnEntriesAndKeepsTheRest() throws {
        let existing = """
            apiVersion: v1
            kind: Config
            current-context: other
            clusters:
            - name: other
              cluster: {server: https://other.example}
            - name: dev
              cluster: {server: https://stale.example}
            contexts:
            - name: other
              context: {cluster: other, user: other}
            users:
            - name: other
              user: {token: keep-me}
            """
        let merged = try Self.kubeconfig.merged(into: existing)
        let document = try #require(try Yams.load(yaml: merged) as? [String: Any])
        let clusters = try #require(document["clusters"] as? [[String: Any]])
        #expect(clusters.compactMap { $0["name"] as? String }.sorted() == ["dev", "other"])
        let dev = try #require(clusters.first { $0["name"] as? String == "dev" }?["cluster"] as? [String: Any])
        #expect(dev["server"] as? String == "https://ABC.gr7.eu-west-1.eks.amazonaws.com")
        #expect(document["current-context"] as? String == "dev")
        let users = try #require(document["users"] as? [[String: Any]])
        #expect((users.first { $0["name"] as? String == "other" }?["user"] as? [String: Any])?["token"] as? String == "keep-me")
        // Merging twice changes nothing more.
        #expect(try Self.kubeconfig.merged(into: merged) == merged)
        #expect(throws: KubernetesError.self) { try Self.kubeconfig.merged(into: "- a list\n- not a mapping\n") }
    }

    @Test func comesFromTheKubernetesUnitsRecordedOutputs() async throws {
        let repository = try await TestRepo(Fixtures.valid).loadValid()
        let dev = try #require(repository.infrastructure(named: "dev"))
        #expect(ClusterKubeconfig(infrastructure: dev, record: nil) == nil)
        let record = try SimulatedApply.record(repository, infrastructure: "dev")
        let kubeconfig = try #require(ClusterKubeconfig(infrastructure: dev, record: record))
        #expect(kubeconfig.server == "kubernetes-endpoint")
        #expect(kubeconfig.clusterName == "kubernetes-cluster_name")
        #expect(kubeconfig.region == "eu-west-1")
    }
}
