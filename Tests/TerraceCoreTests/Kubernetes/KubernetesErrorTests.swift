import Testing

@testable import TerraceCore

@Suite struct KubernetesErrorTests {
    @Test func descriptionNamesTheObjectAndSaysWhatNext() {
        let error = KubernetesError(
            .conflict, "field `spec.replicas` is owned by `kubectl`", object: "apps/v1 Deployment argocd/argocd-server",
            hint: "apply with force, or remove the field")
        #expect(
            error.description
                == "apps/v1 Deployment argocd/argocd-server: field `spec.replicas` is owned by `kubectl` (hint: apply with force, or remove the field)")
        #expect(KubernetesError(.unreachable, "cannot connect to 127.0.0.1:6443").description == "cannot connect to 127.0.0.1:6443")
    }
}
