import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes
import TerraceCore

@Suite struct KubeConfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nTUlJ\n-----END CERTIFICATE-----\n"

    static func sample(caFile: String = "ca.crt") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: prod
          cluster:
            server: https://prod.example.com:6443
            certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())
            tls-server-name: kubernetes.default
        - name: dev
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority: \(caFile)
            insecure-skip-tls-verify: false
        - name: lab
          cluster:
            server: https://lab.internal
            insecure-skip-tls-verify: true
        users:
        - name: admin
          user:
            token: secret-token-123
        - name: robot
          user:
            tokenFile: robot.token
        - name: cert
          user:
            client-certificate-data: \(Data("CERT-PEM".utf8).base64EncodedString())
            client-key-data: \(Data("KEY-PEM".utf8).base64EncodedString())
        - name: certfile
          user:
            client-certificate: certs/client.crt
            client-key: /abs/client.key
        - name: eks
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: aws
              args: [eks, get-token, --cluster-name, prod]
              env:
              - name: AWS_PROFILE
                value: prod
              provideClusterInfo: true
              interactiveMode: Never
              installHint: install the AWS CLI
        contexts:
        - name: prod
          context: {cluster: prod, user: eks, namespace: argocd}
        - name: dev
          context: {cluster: dev, user: admin}
        - name: lab
          context: {cluster: lab, user: cert}
        - name: robot
          context: {cluster: dev, user: robot}
        - name: anonymous
          context: {cluster: prod}
        - name: ghost
          context: {cluster: nowhere, user: admin}
        """
    }

    @Test func parsesClustersUsersAndContexts() throws {
        let config = try KubeConfig(parsing: Self.sample(), path: "/home/me/.kube/config")
        #expect(config.currentContext == "dev")
        #expect(config.clusters.map(\.name) == ["prod", "dev", "lab"])
        let prod = try #require(config.clusters.first)
        #expect(prod.server == "https://prod.example.com:6443")
        #expect(prod.certificateAuthorityData == Array(Self.caPEM.utf8))
        #expect(prod.tlsServerName == "kubernetes.default")
        #expect(prod.insecureSkipTLSVerify == false)
        #expect(config.clusters[1].certificateAuthorityFile == "ca.crt")
        #expect(config.clusters[1].insecureSkipTLSVerify == false)
        #expect(config.clusters[2].insecureSkipTLSVerify == true)
        #expect(config.users.map(\.name) == ["admin", "robot", "cert", "certfile", "eks"])
        #expect(config.users[0].token?.text == "secret-token-123")
        #expect(config.users[1].tokenFile == "robot.token")
        #expect(config.users[2].clientCertificateData?.text == "CERT-PEM")
        #expect(config.users[2].clientKeyData?.text == "KEY-PEM")
        #expect(config.users[3].clientCertificateFile == "certs/client.crt")
        #expect(config.users[3].clientKeyFile == "/abs/client.key")
        let exec = try #require(config.users[4].exec)
        #expect(exec.apiVersion == .v1beta1)
        #expect(exec.command == "aws")
        #expect(exec.args == ["eks", "get-token", "--cluster-name", "prod"])
        #expect(exec.env == [.init(name: "AWS_PROFILE", value: "prod")])
        #expect(exec.provideClusterInfo)
        #expect(exec.interactiveMode == "Never")
        #expect(exec.installHint == "install the AWS CLI")
        #expect(config.contexts.first == .init(name: "prod", cluster: "prod", user: "eks", namespace: "argocd"))
        #expect(config.contexts[4].user == "")
    }

    @Test func insecureOnlyWhenExplicitlyTrue() throws {
        for (text, expected) in [("true", true), ("false", false), ("\"true\"", false)] {
            let yaml = "clusters:\n- name: c\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: \(text)\n"
            if text == "\"true\"" {
                // A quoted string is not a boolean: refused rather than taken as true.
                #expect(throws: KubernetesError.self) { try KubeConfig(parsing: yaml, path: "k") }
            } else {
                #expect(try KubeConfig(parsing: yaml, path: "k").clusters[0].insecureSkipTLSVerify == expected)
            }
        }
        let absent = try KubeConfig(parsing: "clusters:\n- name: c\n  cluster: {server: https://x}\n", path: "k")
        #expect(absent.clusters[0].insecureSkipTLSVerify == false)
    }

    @Test func unknownContextNamesTheFileListsContextsAndSuggests() throws {
        let config = try KubeConfig(parsing: Self.sample(), path: "/home/me/.kube/config")
        let error = try #require(throws: KubernetesError.self) { try config.connection(context: "prdo") }
        #expect(error.code == .configuration)
        #expect(error.message == "the kubeconfig /home/me/.kube/config has no context `prdo`")
        #expect(error.hint == "did you mean `prod`? (its contexts: prod, dev, lab, robot, anonymous, ghost)")
        let far = try #require(throws: KubernetesError.self) { try config.connection(context: "zzzzzzzz") }
        #expect(far.hint == "(its contexts: prod, dev, lab, robot, anonymous, ghost)")
    }

    @Test func missingCurrentContextAndUndefinedClusterAreExplained() throws {
        var config = try KubeConfig(parsing: Self.sample(), path: "/k")
        let ghost = try #require(throws: KubernetesError.self) { try config.connection(context: "ghost") }
        #expect(ghost.message.contains("names cluster `nowhere`, which it does not define"))
        config.currentContext = nil
        let none = try #require(throws: KubernetesError.self) { try config.connection() }
        #expect(none.message == "the kubeconfig /k has no current-context and none was chosen")
    }

    @Test func malformedEntriesSayWhere() {
        let yaml = "clusters:\n- name: c\n  cluster:\n    certificate-authority-data: abc\n"
        let error = #expect(throws: KubernetesError.self) { try KubeConfig(parsing: yaml, path: "/k/config") }
        #expect(error?.message == "/k/config:2:3: cluster `c` has no `server`")
        let badBase64 = "clusters:\n- name: c\n  cluster:\n    server: https://x\n    certificate-authority-data: '%%%'\n"
        let decoding = #expect(throws: KubernetesError.self) { try KubeConfig(parsing: badBase64, path: "/k/config") }
        #expect(decoding?.message == "/k/config:5:33: `certificate-authority-data` is not valid base64")
        let basic = "users:\n- name: u\n  user:\n    username: a\n    password: b\n"
        let unsupported = #expect(throws: KubernetesError.self) { try KubeConfig(parsing: basic, path: "/k/config") }
        #expect(unsupported?.message.contains("uses `username`, which Terrace does not support") == true)
        let exec = "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n"
        let version = #expect(throws: KubernetesError.self) { try KubeConfig(parsing: exec, path: "/k/config") }
        #expect(version?.message.contains("apiVersion `client.authentication.k8s.io/v1alpha1`") == true)
    }

    @Test func loadsAtRunTimeAndResolvesRelativeFilesAgainstItsFolder() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.caPEM.utf8).write(to: folder.appendingPathComponent("ca.crt"))
        try Data("file-token\n".utf8).write(to: folder.appendingPathComponent("robot.token"))
        let path = folder.appendingPathComponent("config").path
        try Data(Self.sample().utf8).write(to: URL(fileURLWithPath: path))
        let config = try KubeConfig.load(path: path)
        let dev = try config.connection()
        #expect(dev.context == "dev")
        #expect(dev.endpoint.server == "https://127.0.0.1:6443")
        #expect(dev.endpoint.certificateAuthority == Array(Self.caPEM.utf8))
        #expect(dev.endpoint.insecureSkipTLSVerify == false)
        #expect(try await dev.credentials.current().token?.text == "secret-token-123")
        let robot = try config.connection(context: "robot")
        #expect(try await robot.credentials.current().token?.text == "file-token")
        #expect(robot.credentials.description == "token file \(folder.path)/robot.token")
        let lab = try config.connection(context: "lab")
        #expect(lab.endpoint.insecureSkipTLSVerify)
        let labCredential = try await lab.credentials.current()
        #expect(labCredential.clientCertificate?.text == "CERT-PEM")
        #expect(labCredential.token == nil)
        let prod = try config.connection(context: "prod")
        #expect(prod.namespace == "argocd")
        #expect(prod.endpoint.tlsServerName == "kubernetes.default")
        #expect(prod.credentials.description == "exec plugin aws")
        #expect(try await config.connection(context: "anonymous").credentials.current() == .anonymous)

        let missing = try KubeConfig(parsing: Self.sample(caFile: "absent.crt"), path: path)
        let error = #expect(throws: KubernetesError.self) { try missing.connection(context: "dev") }
        #expect(error?.message == "cannot read \(folder.path)/absent.crt, the certificate-authority of cluster `dev` in the kubeconfig \(path)")
        let unreadable = #expect(throws: KubernetesError.self) { try KubeConfig.load(path: folder.path + "/nope") }
        #expect(unreadable?.message == "cannot read the kubeconfig \(folder.path)/nope")
    }

    @Test func secretsNeverShowInDescriptionsOrDumps() throws {
        let config = try KubeConfig(parsing: Self.sample(), path: "/k")
        var dumped = ""
        dump(config, to: &dumped)
        let shown = [dumped, String(describing: config), String(reflecting: config)].joined()
        for secret in ["secret-token-123", "CERT-PEM", "KEY-PEM"] {
            #expect(!shown.contains(secret))
        }
        let credential = KubernetesCredential(token: SensitiveData("abc-secret"), clientCertificate: SensitiveData("c"), clientKey: SensitiveData("k"))
        #expect(credential.description == "KubernetesCredential(token, client certificate)")
        var dumpedCredential = ""
        dump(credential, to: &dumpedCredential)
        #expect(!dumpedCredential.contains("abc-secret"))
    }
}
