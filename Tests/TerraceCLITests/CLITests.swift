import Foundation
import TerraceCore
import TerraceLocal
import TerraceTestSupport
import Testing

@Suite("The terrace command line", .serialized)
struct CLITests {
    @Test("init writes a starter repository that validates, plans and graphs")
    func starterRepository() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let initialized = try await CommandRunner.run(["init", "starter", "--name", "acme"], in: folder)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        let repo = folder.appendingPathComponent("starter")
        #expect(FileManager.default.fileExists(atPath: repo.appendingPathComponent("terrace.yaml").path))

        let validated = try await CommandRunner.run(["validate", "starter"], in: folder)
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(validated.stdout == "✓ valid: 1 infrastructure, 7 units, 7 modules\n")

        let planned = try await CommandRunner.run(["plan", "starter", "--json", "--digests-only", "--state-dir", "state"], in: folder)
        #expect(planned.status == 2, "changes exit with 2: \(planned.stderr)")
        let plan = try JSONDecoder().decode(Plan.self, from: Data(planned.stdout.utf8))
        #expect(plan.formatVersion == 1)
        #expect(plan.hasChanges)
        #expect(plan.summary.create == 7)
        #expect(plan.infrastructures.first?.units.map(\.name) == ["backend", "network", "domain", "kubernetes", "assets", "addons", "argocd"])

        let human = try await CommandRunner.run(["plan", "starter", "--digests-only", "--state-dir", "state"], in: folder)
        #expect(human.status == 2)
        #expect(human.stdout.contains("  backend     create  builtin:aws/backend     not applied yet\n"))
        #expect(human.stdout.hasSuffix("Plan: 7 to create, 0 to update, 0 to destroy, 0 unchanged.\n"))

        let dot = try await CommandRunner.run(["graph", "starter"], in: folder)
        #expect(dot.status == 0)
        #expect(dot.stdout.hasPrefix("digraph terrace {"))
        #expect(dot.stdout.contains("\"dev/kubernetes\" -> \"dev/network\";"))
        let mermaid = try await CommandRunner.run(["graph", "starter", "--format", "mermaid", "--infra", "dev"], in: folder)
        #expect(mermaid.stdout.contains("dev__assets --> dev__network"))

        let unknown = try await CommandRunner.run(["plan", "starter", "--infra", "deb", "--digests-only", "--state-dir", "state"], in: folder)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("no infrastructure named `deb` (did you mean `dev`?)"))
    }

    @Test("init never overwrites without --force, and writes nothing when it refuses")
    func initRefusesToOverwrite() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "kind: Project\nname: mine\n".write(to: folder.appendingPathComponent("terrace.yaml"), atomically: true, encoding: .utf8)
        let before = CommandRunner.snapshot(folder)
        let refused = try await CommandRunner.run(["init", "."], in: folder)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("`terrace.yaml` already exists; nothing was written"))
        #expect(CommandRunner.snapshot(folder) == before)
        let forced = try await CommandRunner.run(["init", ".", "--force"], in: folder)
        #expect(forced.status == 0)
    }

    @Test("a broken repository: every error with location and source line, exit 1, nothing written")
    func brokenRepository() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await CommandRunner.run(["init", "."], in: folder)
        let manifest = folder.appendingPathComponent("infrastructures/dev.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
            .replacingOccurrences(of: "  cidr: 10.0.0.0/16", with: "  cidrr: 10.0.0.0/16")
            .replacingOccurrences(of: "${network.vpc_id}", with: "${network.vpcid}")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let before = CommandRunner.snapshot(folder)

        let validated = try await CommandRunner.run(["validate", "."], in: folder)
        #expect(validated.status == 1)
        #expect(validated.stderr.contains("infrastructures/dev.yaml:13:3: error: unknown key `cidrr` in `network`\n13 |   cidrr: 10.0.0.0/16\n   |   ^\n  hint: did you mean `cidr`?"))
        #expect(validated.stderr.contains("error: unit `network` has no output `vpcid`"))
        #expect(validated.stderr.hasSuffix("3 errors in 1 file\n"))

        let json = try await CommandRunner.run(["validate", ".", "--json"], in: folder)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["valid"] as? Bool == false)
        let errors = try #require(object["errors"] as? [[String: Any]])
        #expect(errors.count == 3)
        #expect(errors.map { $0["message"] as? String } == [
            "`network` needs a `cidr`", "unknown key `cidrr` in `network`", "unit `network` has no output `vpcid`",
        ])
        #expect(errors[1]["file"] as? String == "infrastructures/dev.yaml")
        #expect(errors[1]["line"] as? Int == 13)
        #expect(errors[1]["column"] as? Int == 3)
        #expect(errors[1]["hint"] as? String == "did you mean `cidr`?")

        let planned = try await CommandRunner.run(["plan", ".", "--state-dir", ".terrace/state"], in: folder)
        #expect(planned.status == 1)
        #expect(planned.stdout.isEmpty, "no plan is printed for an invalid repository")
        #expect(CommandRunner.snapshot(folder) == before, "nothing is written for bad input")
    }

    @Test("plan reads the local state records: all applied means no changes and exit 0")
    func planAgainstRecords() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.initAndRecordApplied(in: folder)

        let unchanged = try await CommandRunner.run(["plan", ".", "--state-dir", ".terrace/state"], in: folder)
        #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")
        #expect(unchanged.stdout.hasSuffix("No changes. Plan: 0 to create, 0 to update, 0 to destroy, 7 unchanged.\n"))

        let manifest = folder.appendingPathComponent("infrastructures/dev.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "max: 3", with: "max: 5")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        let changed = try await CommandRunner.run(["plan", ".", "--json", "--digests-only", "--state-dir", ".terrace/state"], in: folder)
        #expect(changed.status == 2)
        let plan = try JSONDecoder().decode(Plan.self, from: Data(changed.stdout.utf8))
        let units = try #require(plan.infrastructures.first?.units)
        #expect(units.first { $0.name == "kubernetes" }?.reasons == ["inputs changed: node_max_size"])
        #expect(units.first { $0.name == "addons" }?.isPendingUpstream == true)
        #expect(units.first { $0.name == "argocd" }?.isPendingUpstream == true, "it reaches the cluster through its outputs")
        #expect(plan.summary.update == 3 && plan.summary.unchanged == 4)

        // A corrupt record is an error naming the file, not a crash or a silent "create everything".
        try "{not json".write(toFile: folder.appendingPathComponent(".terrace/state/dev.json").path, atomically: true, encoding: .utf8)
        let corrupt = try await CommandRunner.run(["plan", ".", "--digests-only", "--state-dir", ".terrace/state"], in: folder)
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.contains("state record"))
        #expect(corrupt.stderr.contains("is not valid: not JSON"))
    }

    @Test("console evaluates expressions against vars and recorded outputs: -e, a pipe, and errors with a caret")
    func console() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.initAndRecordApplied(in: folder)
        let state = ["--state-dir", ".terrace/state"]

        let one = try await CommandRunner.run(["console", "dev", ".", "-e", "upper(network.vpc_id)"] + state, in: folder)
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout == "\"NETWORK-VPC_ID\"\n")

        let piped = try await CommandRunner.run(
            ["console", "dev", "."] + state, in: folder,
            input: "infra.name\n[for s in network.private_subnet_ids : length(s)]\n\n1 + 2 * 3\n")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == "\"dev\"\n[\n  28,\n  28,\n]\n7\n")

        let failing = try await CommandRunner.run(["console", "dev", ".", "-e", "length(5) + 1"] + state, in: folder)
        #expect(failing.status == 1)
        #expect(failing.stdout.isEmpty)
        #expect(failing.stderr.contains("error: 1:8: invalid value for the \"value\" parameter of `length`"))
        #expect(failing.stderr.contains("  length(5) + 1\n         ^"))

        let unknownInfra = try await CommandRunner.run(["console", "deb", "."] + state, in: folder)
        #expect(unknownInfra.status == 64)
        #expect(unknownInfra.stderr.contains("did you mean `dev`?"))
    }

    @Test("kubeconfig prints the cluster's kubeconfig from the records, or merges it into a file")
    func kubeconfig() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await CommandRunner.run(["init", ".", "--name", "acme"], in: folder)
        let notApplied = try await CommandRunner.run(["kubeconfig", "dev", ".", "--state-dir", "empty"], in: folder)
        #expect(notApplied.status == 1)
        #expect(notApplied.stderr.contains("the `kubernetes` unit of `dev` has not been applied yet"))

        try await Self.initAndRecordApplied(in: folder)
        let printed = try await CommandRunner.run(["kubeconfig", "dev", ".", "--state-dir", ".terrace/state"], in: folder)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("server: kubernetes-endpoint"))
        #expect(printed.stdout.contains("command: aws"))
        #expect(printed.stdout.contains("current-context: dev"))

        let file = folder.appendingPathComponent("home/.kube/config")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "apiVersion: v1\nkind: Config\ncontexts:\n- name: mine\n  context: {cluster: mine, user: mine}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let merged = try await CommandRunner.run(
            ["kubeconfig", "dev", ".", "--state-dir", ".terrace/state", "--merge", "--kubeconfig", file.path], in: folder)
        #expect(merged.status == 0, "\(merged.stderr)")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("name: mine") && text.contains("name: dev") && text.contains("current-context: dev"))

        let misuse = try await CommandRunner.run(["kubeconfig", "dev", ".", "--kubeconfig", file.path], in: folder)
        #expect(misuse.status == 64)
    }

    /// `terrace init` in `folder`, and its `dev` recorded in `.terrace/state` as a successful apply would.
    static func initAndRecordApplied(in folder: URL) async throws {
        _ = try await CommandRunner.run(["init", ".", "--name", "acme"], in: folder)
        let loader = RepoLoader(fileSystem: LocalFileSystem(), builtinModules: BuiltinModulesLocator.locate(executable: CommandRunner.binary))
        let repository = try #require(await loader.load(folder.path).repository)
        let store = LocalDirectoryStateStore(directory: folder.appendingPathComponent(".terrace/state").path)
        try await store.save(SimulatedApply.record(repository, infrastructure: "dev"))
    }

    @Test("the built-in modules are found beside the binary, wherever the repository is")
    func builtinModulesBesideBinary() throws {
        let located = try #require(BuiltinModulesLocator.locate(environment: [:], executable: CommandRunner.binary))
        #expect(located.hasSuffix("terrace_TerraceModules.resources"))
        for module in ["backend", "network", "domain", "kubernetes", "addons"] {
            #expect(FileManager.default.fileExists(atPath: "\(located)/aws/\(module)/variables.tf"))
        }
        #expect(BuiltinModulesLocator.locate(environment: [:], executable: "/nonexistent/bin/terrace") == nil)
        #expect(BuiltinModulesLocator.locate(environment: ["TERRACE_MODULES_DIR": located], executable: nil) == located)
    }

    @Test("--help is available on every command")
    func help() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in ["init", "validate", "plan", "apply", "destroy", "output", "graph", "console", "kubeconfig"] {
            let output = try await CommandRunner.run([command, "--help"], in: folder)
            #expect(output.status == 0)
            #expect(output.stdout.contains("USAGE: terrace \(command)"))
        }
    }
}
