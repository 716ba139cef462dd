import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("terraform.binary")
struct TerraformBinaryTests {
    static func load(binary: String) async -> LoadResult {
        var files = Fixtures.valid
        files["terrace.yaml"] = Fixtures.project.replacingOccurrences(of: "binary: tofu", with: "binary: \(binary)")
        return await TestRepo(files).load()
    }

    @Test("`terraform`, `tofu` and absolute paths are accepted")
    func accepted() async throws {
        for (text, isPath, name) in [
            ("terraform", false, "terraform"), ("tofu", false, "tofu"),
            ("/opt/terraform/1.9.8/terraform", true, "terraform"), ("\"/usr/local/bin/tofu\"", true, "tofu"),
        ] {
            let result = await Self.load(binary: text)
            let repository = try #require(result.repository, "\(text): \(result.diagnostics)")
            let binary = repository.project.terraform.binary
            #expect(binary.rawValue == text.replacingOccurrences(of: "\"", with: ""))
            #expect(binary.isPath == isPath)
            #expect(binary.name == name)
            #expect(result.diagnostics.isEmpty, "\(text): \(result.diagnostics)")
        }
        #expect(TerraformSettings.Binary.terraform.rawValue == "terraform")
        #expect(TerraformSettings.Binary(rawValue: "tofu") == .tofu)
    }

    @Test("relative paths and other names are errors at the value")
    func refused() async throws {
        let relative = "use an absolute path (a relative one would depend on where Terrace runs), or `terraform` or `tofu` from the PATH"
        let names = "use `terraform` or `tofu`"
        let cases: [(String, String)] = [
            ("./bin/terraform", "terrace.yaml:6:11: error: Terraform binary path `./bin/terraform` is relative (hint: \(relative))"),
            ("bin/terraform", "terrace.yaml:6:11: error: Terraform binary path `bin/terraform` is relative (hint: \(relative))"),
            ("~/bin/terraform", "terrace.yaml:6:11: error: Terraform binary path `~/bin/terraform` is relative (hint: \(relative))"),
            ("/opt/../bin/terraform", "terrace.yaml:6:11: error: Terraform binary path `/opt/../bin/terraform` is not a plain absolute path to a file (hint: write it without `.`, `..`, `//` or a trailing `/`)"),
            ("/opt/bin/", "terrace.yaml:6:11: error: Terraform binary path `/opt/bin/` is not a plain absolute path to a file (hint: write it without `.`, `..`, `//` or a trailing `/`)"),
            ("\"terraform apply\"", "terrace.yaml:6:11: error: unknown Terraform binary `terraform apply` (hint: \(names))"),
            ("-terraform", "terrace.yaml:6:11: error: unknown Terraform binary `-terraform` (hint: \(names))"),
            ("terrafrom", "terrace.yaml:6:11: error: unknown Terraform binary `terrafrom` (hint: \(names))"),
            ("terraform-1.9", "terrace.yaml:6:11: error: unknown Terraform binary `terraform-1.9` (hint: \(names))"),
            ("\"\"", "terrace.yaml:6:11: error: `terraform.binary` is empty (hint: \(names))"),
        ]
        for (text, expected) in cases {
            let result = await Self.load(binary: text)
            #expect(result.repository == nil, "\(text)")
            // (The project is then not read, so the manifests' `project.vars` are unknown too: only terrace.yaml is checked.)
            #expect(result.diagnostics.filter { $0.location.file == "terrace.yaml" }.map(\.description) == [expected], "\(text)")
        }
    }
}
