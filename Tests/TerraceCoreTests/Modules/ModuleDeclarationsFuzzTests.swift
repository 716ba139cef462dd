import Testing
@testable import TerraceCore
import TerraceTestSupport

/// Fragments that upset a scanner: brackets, quotes, comments, heredocs, templates, non-ASCII.
private let hostileFragments: [String] = [
    "{", "}", "[", "]", "(", ")", "\"", "\\", "#", "//", "/*", "*/", "<<EOF\n", "<<-EOT\n", "EOF\n", "  EOT\n",
    "${", "%{", "$${", "=", "==", "\n", "\r\n", "\t", "variable", "variable \"v\" {", "output", " default = ",
    "é", "☃", "😀", "\u{0}", "<<", "<<-", "-", ",", "\"${\"", "}\"",
]

/// Applies one random mutation to `scalars`: a deletion, an insertion of a hostile fragment,
/// or a copy of a random slice to a random place.
private func mutate(_ scalars: inout [Unicode.Scalar], using generator: inout SeededGenerator) {
    let count = scalars.count
    switch Int.random(in: 0..<3, using: &generator) {
    case 0 where count > 0:
        let start = Int.random(in: 0..<count, using: &generator)
        let end = min(count, start + Int.random(in: 1...12, using: &generator))
        scalars.removeSubrange(start..<end)
    case 1:
        let fragment = hostileFragments[Int.random(in: 0..<hostileFragments.count, using: &generator)]
        scalars.insert(contentsOf: fragment.unicodeScalars, at: Int.random(in: 0...count, using: &generator))
    default:
        guard count > 0 else { return }
        let start = Int.random(in: 0..<count, using: &generator)
        let end = min(count, start + Int.random(in: 1...40, using: &generator))
        let slice = Array(scalars[start..<end])
        scalars.insert(contentsOf: slice, at: Int.random(in: 0...scalars.count, using: &generator))
    }
}

/// Checks that every location in `declarations` lies within `source`.
private func expectLocationsWithin(_ source: String, _ declarations: ModuleDeclarations, path: String) {
    let lineCount = source.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    let locations = declarations.diagnostics.map(\.location)
        + declarations.variables.values.map(\.location)
        + declarations.outputs.values.map(\.location)
    for location in locations {
        #expect(location.file == path)
        #expect((1...lineCount).contains(location.line), "line \(location.line) outside 1...\(lineCount) in:\n\(source)")
        #expect(location.column >= 1)
    }
}

@Suite("Declaration reading survives hostile input")
struct ModuleDeclarationsFuzzTests {
    @Test("thousands of mutations of a valid module: no crash, every location inside the file")
    func hclMutations() {
        var generator = SeededGenerator(state: 20_240_601)
        let original = Array(HCLFixtures.realisticModule.unicodeScalars)
        var sawDiagnostics = 0
        for _ in 0..<4_000 {
            var scalars = original
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                mutate(&scalars, using: &generator)
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let source = String(view)
            let declarations = ModuleDeclarations.read(hcl: source, path: "fuzz.tf")
            if !declarations.diagnostics.isEmpty { sawDiagnostics += 1 }
            expectLocationsWithin(source, declarations, path: "fuzz.tf")
        }
        // The mutations really do break the syntax, often.
        #expect(sawDiagnostics > 1_000)
    }

    @Test("mutations of a .tf.json file: no crash, every location inside the file")
    func jsonMutations() {
        var generator = SeededGenerator(state: 7)
        let json = #"{"variable": {"a": {"type": "string", "default": [1, {"b": "c\"}"}]}}, "output": {"o": {"value": "${x}"}}}"#
        let original = Array(json.unicodeScalars)
        for _ in 0..<1_000 {
            var scalars = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                mutate(&scalars, using: &generator)
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let source = String(view)
            expectLocationsWithin(source, ModuleDeclarations.read(json: source, path: "fuzz.tf.json"), path: "fuzz.tf.json")
        }
    }

    @Test("pathological nesting and long lines neither crash nor overflow the stack")
    func pathological() {
        let braces = String(repeating: "{", count: 100_000)
        let opened = ModuleDeclarations.read(hcl: "locals " + braces, path: "p.tf")
        #expect(opened.diagnostics.count == 100_000)
        // Closers that match nothing must not search the open brackets each time (that would be quadratic).
        let mismatched = "locals (" + braces + String(repeating: ")", count: 100_000)
        #expect(ModuleDeclarations.read(hcl: mismatched, path: "p.tf").diagnostics.count == 200_000)
        let templates = "variable \"a\" {\n  description = \"" + String(repeating: "${\"", count: 50_000) + "\n}\n"
        let nested = ModuleDeclarations.read(hcl: templates, path: "p.tf")
        #expect(nested.diagnostics.first?.message == "unterminated string")
        let longLine = "variable \"long\" { default = \"" + String(repeating: "x}{", count: 100_000) + "\" }"
        let long = ModuleDeclarations.read(hcl: longLine, path: "p.tf")
        #expect(long.diagnostics == [])
        #expect(long.variables["long"]?.hasDefault == true)
        expectLocationsWithin(templates, nested, path: "p.tf")
    }

    @Test("a 2,000-line module reads in one linear pass")
    func largeModule() {
        var source = ""
        for number in 0..<200 {
            source += """
            variable "v\(number)" {
              type        = map(object({ a = string, b = optional(list(number), []) }))
              description = "Variable \(number) with ${braces} and } in it."
              default     = {
                key = { a = "x", b = [1, 2, 3] }
              }
              validation {
                condition = length(var.v\(number)) < 10
              }
            }

            """
        }
        #expect(source.utf8.filter { $0 == UInt8(ascii: "\n") }.count == 2_000)
        let clock = ContinuousClock()
        var declarations = ModuleDeclarations()
        let elapsed = clock.measure {
            declarations = ModuleDeclarations.read(hcl: source, path: "big.tf")
        }
        #expect(declarations.diagnostics == [])
        #expect(declarations.variables.count == 200)
        #expect(declarations.variables["v199"]?.location.line == 1_991)
        #expect(declarations.variables["v7"]?.type == "map(object({ a = string, b = optional(list(number), []) }))")
        // Not asserted (machines differ); printed to spot a regression by eye.
        print("read a 2,000-line module in \(elapsed)")
    }
}
