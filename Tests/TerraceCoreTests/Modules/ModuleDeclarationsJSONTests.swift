import Testing
@testable import TerraceCore

@Suite("Reading .tf.json declarations")
struct ModuleDeclarationsJSONTests {
    private let source = #"""
    {
      "//": "generated",
      "variable": {
        "//": "a comment, not a variable",
        "name": {
          "type": "string",
          "description": "The name \u00e9 \"quoted\" \ud83d\ude00"
        },
        "tags": {"type": "map(string)", "default": {"a": [1, 2.5e3, -0.1, true, null]}},
        "token": {"sensitive": true, "nullable": false, "default": null}
      },
      "resource": {"aws_vpc": {"this": {"cidr_block": "${var.name}"}}},
      "output": [
        {"vpc_id": {"value": "${aws_vpc.this.id}", "description": "The id."}},
        {"secret": [{"value": "${var.token}", "sensitive": true}]}
      ]
    }
    """#

    @Test("reads variables and outputs with their key locations")
    func declarations() {
        let read = ModuleDeclarations.read(json: source, path: "m/main.tf.json")
        #expect(read.diagnostics == [])
        #expect(Set(read.variables.keys) == ["name", "tags", "token"])
        #expect(Set(read.outputs.keys) == ["vpc_id", "secret"])
        #expect(read.variables["name"]?.location == SourceLocation(file: "m/main.tf.json", line: 5, column: 5))
        #expect(read.variables["tags"]?.location.line == 9)
        #expect(read.outputs["vpc_id"]?.location == SourceLocation(file: "m/main.tf.json", line: 14, column: 6))
        #expect(read.outputs["secret"]?.location.line == 15)
    }

    @Test("reads defaults, types, descriptions and flags")
    func attributes() {
        let read = ModuleDeclarations.read(json: source, path: "m/main.tf.json")
        #expect(read.variables["name"]?.isRequired == true)
        #expect(read.variables["name"]?.type == "string")
        #expect(read.variables["name"]?.description == "The name é \"quoted\" 😀")
        #expect(read.variables["tags"]?.hasDefault == true)
        #expect(read.variables["tags"]?.type == "map(string)")
        #expect(read.variables["token"]?.hasDefault == true)
        #expect(read.variables["token"]?.sensitive == true)
        #expect(read.variables["token"]?.nullable == false)
        #expect(read.variables["name"]?.nullable == true)
        #expect(read.outputs["vpc_id"]?.description == "The id.")
        #expect(read.outputs["secret"]?.sensitive == true)
        #expect(read.outputs["vpc_id"]?.sensitive == false)
    }

    @Test("invalid JSON is one diagnostic at the error")
    func invalid() {
        let read = ModuleDeclarations.read(json: "{\n  \"variable\": {\n    \"a\": {}\n  ,}\n}", path: "x.tf.json")
        #expect(read.diagnostics.map(\.description) == [
            "x.tf.json:4:4: error: invalid JSON: expected a quoted key, found `}`",
        ])
        #expect(ModuleDeclarations.read(json: "{\"a\": \"open", path: "x.tf.json").diagnostics.map(\.description) == [
            "x.tf.json:1:7: error: invalid JSON: unterminated string",
        ])
        #expect(ModuleDeclarations.read(json: "", path: "x.tf.json").diagnostics.map(\.description) == [
            "x.tf.json:1:1: error: invalid JSON: expected a JSON value, found end of file",
        ])
        #expect(ModuleDeclarations.read(json: "{} x", path: "x.tf.json").diagnostics.map(\.description) == [
            "x.tf.json:1:4: error: invalid JSON: unexpected `x` after the JSON value",
        ])
    }

    @Test("wrongly shaped declarations are diagnostics")
    func wrongShapes() {
        #expect(ModuleDeclarations.read(json: "[1]", path: "x.tf.json").diagnostics.map(\.message) == [
            "a `.tf.json` file must hold a JSON object, not an array",
        ])
        let read = ModuleDeclarations.read(json: "{\"variable\": {\"a\": 1, \"b\": {}}, \"output\": 3}", path: "x.tf.json")
        #expect(Set(read.variables.keys) == ["b"])
        #expect(read.diagnostics.map(\.message) == [
            "expected an object of arguments for variable `a`, found number",
            "expected an object of outputs under `output`, found number",
        ])
    }

    @Test("a variable declared twice in one file")
    func duplicates() {
        let read = ModuleDeclarations.read(json: "{\"variable\": {\"a\": {}},\n\"variable\": [{\"a\": {}}]}", path: "d.tf.json")
        #expect(read.diagnostics.map(\.description) == [
            "d.tf.json:2:15: error: duplicate variable `a`; first declared at d.tf.json:1:15",
        ])
    }

    @Test("deep nesting is an error, not a crash")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let read = ModuleDeclarations.read(json: deep, path: "deep.tf.json")
        #expect(read.diagnostics.count == 1)
        #expect(read.diagnostics.first?.message == "invalid JSON: JSON nested more than 512 levels deep")
    }
}
