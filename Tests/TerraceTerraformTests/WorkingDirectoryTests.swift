import Foundation
import Testing
import TerraceCore
@testable import TerraceTerraform

@Suite struct WorkingDirectoryTests {
    @Test func refreshCopiesTheModuleAndKeepsTerraformData() throws {
        let root = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let module = root + "/module"
        try Fixtures.write([
            "main.tf": "resource \"x\" \"y\" {}\n", "sub/inner.tf": "# inner\n", "old.tf": "# old\n",
            ".terraform/providers/x": "junk", "terraform.tfstate": "{}",
        ], in: module)
        let job = Fixtures.job(module: module, inputs: ["name": "a"])
        let directory = WorkingDirectory(workRoot: root + "/work", job: job)
        #expect(directory.path == root + "/work/prod/network")

        try directory.refresh(for: job)
        try Fixtures.write([".terraform/providers/cached": "provider", ".terraform.lock.hcl": "# lock\n", "terrace.tfplan": "plan"],
                           in: directory.path)
        try FileManager.default.removeItem(atPath: module + "/old.tf")
        try directory.refresh(for: job)

        let files = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        #expect(files == [
            "main.tf", "sub", ".terraform", ".terraform.lock.hcl", "terrace_backend.tf", "terrace_provider.tf",
            "terraform.tfvars.json",
        ])
        #expect(FileManager.default.fileExists(atPath: directory.path + "/.terraform/providers/cached"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/.terraform/providers/x"))
        #expect(try String(contentsOfFile: directory.path + "/terraform.tfvars.json", encoding: .utf8) == "{\"name\":\"a\"}\n")
        #expect(try String(contentsOfFile: directory.path + "/sub/inner.tf", encoding: .utf8) == "# inner\n")
    }

    @Test func emptyModuleFolderGivesAnEmptyConfiguration() throws {
        let root = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let job = Fixtures.job(module: "")
        let directory = WorkingDirectory(workRoot: root + "/work", job: job)
        try Fixtures.write(["main.tf": "# left from an earlier apply\n"], in: directory.path)
        try directory.refresh(for: job)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        #expect(files == ["terrace_backend.tf", "terrace_provider.tf", "terraform.tfvars.json"])
    }

    @Test func missingModuleIsASetupFailure() {
        let job = Fixtures.job(module: "/nonexistent/terrace/module")
        #expect(throws: UnitFailure.self) { try WorkingDirectory(workRoot: NSTemporaryDirectory() + "terrace-none", job: job).refresh(for: job) }
    }

    @Test func initDigestFollowsProvidersBackendAndModuleCalls() throws {
        let root = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let module = root + "/module"
        try Fixtures.write([
            "versions.tf": "terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\" }\n  }\n}\n",
            "main.tf": "resource \"aws_ssm_parameter\" \"p\" {}\n",
        ], in: module)
        let job = Fixtures.job(module: module, inputs: ["a": 1])
        let directory = WorkingDirectory(workRoot: root + "/work", job: job)
        try directory.refresh(for: job)
        let first = directory.initDigest(context: ["terraform"])
        #expect(!directory.isInitialized(digest: first))
        try FileManager.default.createDirectory(atPath: directory.path + "/.terraform", withIntermediateDirectories: true)
        directory.markInitialized(digest: first)
        #expect(directory.isInitialized(digest: first))

        // Inputs and resources do not matter to init…
        try Fixtures.write(["main.tf": "resource \"aws_ssm_parameter\" \"q\" {}\n"], in: module)
        let changedInputs = Fixtures.job(module: module, inputs: ["a": 2])
        try directory.refresh(for: changedInputs)
        #expect(directory.initDigest(context: ["terraform"]) == first)
        #expect(directory.isInitialized(digest: first))
        // …but the binary, the backend, the providers and module calls do.
        #expect(directory.initDigest(context: ["tofu"]) != first)
        let otherEndpoint = Fixtures.job(module: module, endpoint: "http://127.0.0.1:1")
        try directory.refresh(for: otherEndpoint)
        #expect(directory.initDigest(context: ["terraform"]) != first)
        try directory.refresh(for: job)
        try Fixtures.write(["main.tf": "module \"vpc\" {\n  source = \"./vpc\"\n}\n"], in: module)
        try directory.refresh(for: job)
        #expect(directory.initDigest(context: ["terraform"]) != first)

        directory.clearInitMarker()
        #expect(!directory.isInitialized(digest: first))
    }

    @Test func whatAffectsInit() {
        #expect(WorkingDirectory.affectsInit("terraform {\n  required_providers {}\n}"))
        #expect(WorkingDirectory.affectsInit("module \"x\" {\n}"))
        #expect(WorkingDirectory.affectsInit("{\"module\": {}}".replacingOccurrences(of: "{\"module", with: "{\n\"module")))
        #expect(!WorkingDirectory.affectsInit("resource \"aws_vpc\" \"module\" {\n  cidr_block = var.cidr\n}"))
    }

    @Test func logPathsAndHeaders() {
        let job = Fixtures.job(runID: "20250101-abc")
        let executor = TerraformExecutor(workRoot: "/repo/.terrace/work", logRoot: "/repo/.terrace/logs")
        #expect(executor.logPath(for: job) == "/repo/.terrace/logs/20250101-abc/prod/network.log")
        #expect(executor.workingDirectory(for: job) == "/repo/.terrace/work/prod/network")
        let header = UnitLog.header(executable: "/usr/bin/terraform", arguments: ["plan", "-input=false"], date: Date(timeIntervalSince1970: 0))
        #expect(header == "==> 1970-01-01T00:00:00Z terraform plan -input=false")
    }

    @Test func environmentForcesAutomation() {
        let executor = TerraformExecutor(
            workRoot: "/w", logRoot: "/l", environment: ["AWS_REGION": "us-east-1", "TF_IN_AUTOMATION": "0", "CHECKPOINT_DISABLE": ""],
            pluginCacheDirectory: "/cache")
        #expect(executor.processEnvironment == [
            "AWS_REGION": "us-east-1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "",
            "TF_PLUGIN_CACHE_DIR": "/cache", "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "1",
        ])
    }
}
