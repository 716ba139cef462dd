import Testing
@testable import TerraceCore
import TerraceTestSupport

@Suite("Reading HCL declarations")
struct HCLDeclarationReaderTests {
    let module = ModuleDeclarations.read(hcl: HCLFixtures.realisticModule, path: "modules/net/main.tf")

    @Test("finds exactly the declared variables and outputs, and no diagnostics")
    func names() {
        #expect(module.diagnostics == [])
        #expect(Set(module.variables.keys) == ["name", "tags", "settings", "password", "one_line", "cidrs"])
        #expect(Set(module.outputs.keys) == ["vpc_id", "secret"])
    }

    @Test("records the location of each `variable` and `output` keyword")
    func locations() {
        let lines = module.variables.mapValues(\.location.line)
        #expect(lines == ["name": 7, "tags": 18, "settings": 31, "password": 40, "one_line": 48, "cidrs": 50])
        #expect(module.variables["name"]?.location == SourceLocation(file: "modules/net/main.tf", line: 7, column: 1))
        #expect(module.outputs["vpc_id"]?.location == SourceLocation(file: "modules/net/main.tf", line: 78, column: 1))
        #expect(module.outputs["secret"]?.location.line == 83)
    }

    @Test("a default counts only directly inside the block; `default = null` counts")
    func defaults() {
        #expect(module.variables["name"]?.hasDefault == false)
        #expect(module.variables["name"]?.isRequired == true)
        #expect(module.variables["tags"]?.hasDefault == true)
        #expect(module.variables["settings"]?.hasDefault == true)
        #expect(module.variables["password"]?.isRequired == true)
        #expect(module.variables["one_line"]?.hasDefault == true)
        #expect(module.variables["cidrs"]?.hasDefault == true)
    }

    @Test("keeps the type expression's source text")
    func types() {
        #expect(module.variables["name"]?.type == "string")
        #expect(module.variables["tags"]?.type == "map(string)")
        #expect(module.variables["settings"]?.type == "object({\n    a = string,\n    b = optional(list(number), [])\n  })")
        #expect(module.variables["cidrs"]?.type == "list(string)")
        #expect(module.variables["one_line"]?.type == nil)
    }

    @Test("reads descriptions from strings and heredocs")
    func descriptions() {
        #expect(module.variables["name"]?.description == "The \"name\" of the network, e.g. `net-${var.env}`.")
        #expect(module.variables["tags"]?.description == "Tags for every resource.\n  Indented line.\n")
        #expect(module.variables["password"]?.description == "Line one with ${var.x} and a } brace.\n")
        #expect(module.variables["cidrs"]?.description == nil)
        #expect(module.outputs["vpc_id"]?.description == "The VPC's id.")
    }

    @Test("reads sensitive and nullable")
    func flags() {
        #expect(module.variables["password"]?.sensitive == true)
        #expect(module.variables["name"]?.sensitive == false)
        #expect(module.variables["settings"]?.nullable == false)
        #expect(module.variables["name"]?.nullable == true)
        #expect(module.outputs["secret"]?.sensitive == true)
        #expect(module.outputs["vpc_id"]?.sensitive == false)
    }

    @Test("string escapes: \\n, \\t, \\u, $${ and %%{")
    func escapes() {
        let source = #"""
        variable "x" {
          description = "a\nb\tc \u00e9 \U0001F600 $${literal} %%{literal} \\ \q"
        }
        """#
        let read = ModuleDeclarations.read(hcl: source, path: "x.tf")
        #expect(read.variables["x"]?.description == "a\nb\tc é 😀 ${literal} %{literal} \\ \\q")
        #expect(read.diagnostics == [])
    }

    @Test("a template sequence may span lines and hold nested strings and comments")
    func multilineTemplate() {
        let source = #"""
        variable "x" {
          description = "${join(",", [
            "a}", # a "comment" }
            "b",
          ])}"
          default = 1
        }
        """#
        let read = ModuleDeclarations.read(hcl: source, path: "t.tf")
        #expect(read.diagnostics == [])
        #expect(read.variables["x"]?.hasDefault == true)
        #expect(read.variables["x"]?.description?.hasPrefix("${join(\",\", [") == true)
    }

    @Test("non-ASCII text counts columns in Unicode scalars")
    func unicodeColumns() {
        let source = "locals { é = \"ü\" }\n/* ☃ */ variable \"ü\" {}\n"
        let read = ModuleDeclarations.read(hcl: source, path: "u.tf")
        #expect(read.diagnostics == [])
        #expect(read.variables["ü"]?.location == SourceLocation(file: "u.tf", line: 2, column: 9))
    }

    @Test("CRLF line endings and heredocs with any marker")
    func crlf() {
        let source = "variable \"a\" {\r\n  description = <<-DESC_1\r\n    text\r\n    DESC_1\r\n  default = 2\r\n}\r\n"
        let read = ModuleDeclarations.read(hcl: source, path: "crlf.tf")
        #expect(read.diagnostics == [])
        #expect(read.variables["a"]?.description == "text\n")
        #expect(read.variables["a"]?.hasDefault == true)
    }

    @Test("an empty file and a file of comments declare nothing")
    func empty() {
        #expect(ModuleDeclarations.read(hcl: "", path: "e.tf") == ModuleDeclarations())
        #expect(ModuleDeclarations.read(hcl: "# just\n// comments\n/* here */", path: "e.tf") == ModuleDeclarations())
    }

    @Test("a variable declared twice in one file")
    func duplicateInFile() {
        let read = ModuleDeclarations.read(hcl: "variable \"a\" {}\nvariable \"a\" {\n  default = 1\n}\n", path: "d.tf")
        #expect(read.variables["a"]?.hasDefault == false)
        #expect(read.diagnostics.map(\.description) == [
            "d.tf:2:1: error: duplicate variable `a`; first declared at d.tf:1:1",
        ])
    }
}
