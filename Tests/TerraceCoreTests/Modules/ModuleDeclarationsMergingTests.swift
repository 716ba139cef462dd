import Testing
@testable import TerraceCore

@Suite("Merging a module's files")
struct ModuleDeclarationsMergingTests {
    @Test("combines the files' declarations and diagnostics")
    func combines() {
        let variables = ModuleDeclarations.read(hcl: "variable \"a\" {}\nvariable \"b\" { default = 1 }\n", path: "m/variables.tf")
        let outputs = ModuleDeclarations.read(hcl: "output \"x\" {\n  value = 1\n}\n\"junk\"\n", path: "m/outputs.tf")
        let json = ModuleDeclarations.read(json: "{\"variable\": {\"c\": {}}}", path: "m/extra.tf.json")
        let merged = ModuleDeclarations.merging([variables, outputs, json])
        #expect(Set(merged.variables.keys) == ["a", "b", "c"])
        #expect(Set(merged.outputs.keys) == ["x"])
        #expect(merged.variables.values.filter(\.isRequired).map(\.name).sorted() == ["a", "c"])
        #expect(merged.diagnostics.map(\.description) == [
            "m/outputs.tf:4:1: error: unexpected string; expected a block or an argument",
        ])
    }

    @Test("a declaration repeated in another file keeps the first and reports the second")
    func duplicates() {
        let first = ModuleDeclarations.read(hcl: "variable \"a\" {}\noutput \"o\" {\n  value = 1\n}\n", path: "m/a.tf")
        let second = ModuleDeclarations.read(
            hcl: "# again\nvariable \"a\" {\n  default = 2\n}\noutput \"o\" {\n  value = 2\n}\n",
            path: "m/b.tf"
        )
        let merged = ModuleDeclarations.merging([first, second])
        #expect(merged.variables["a"]?.location == SourceLocation(file: "m/a.tf", line: 1, column: 1))
        #expect(merged.variables["a"]?.hasDefault == false)
        #expect(merged.diagnostics.map(\.description) == [
            "m/b.tf:2:1: error: duplicate variable `a`; first declared at m/a.tf:1:1",
            "m/b.tf:5:1: error: duplicate output `o`; first declared at m/a.tf:2:1",
        ])
    }

    @Test("merging nothing, or one file, changes nothing")
    func trivial() {
        #expect(ModuleDeclarations.merging([]) == ModuleDeclarations())
        let one = ModuleDeclarations.read(hcl: "variable \"a\" {}\n}\n", path: "m/a.tf")
        #expect(ModuleDeclarations.merging([one]) == one)
    }
}
