import Testing
@testable import TerraceCore

@Suite("HCL syntax errors")
struct HCLSyntaxErrorTests {
    /// The diagnostics of reading `source` as `e.tf`, as `file:line:col: error: message` lines.
    private func diagnostics(_ source: String) -> [String] {
        ModuleDeclarations.read(hcl: source, path: "e.tf").diagnostics.map {
            "\($0.location): \($0.severity.rawValue): \($0.message)"
        }
    }

    @Test("an unterminated string ends at its line; the rest of the block is still read")
    func unterminatedString() {
        let source = "variable \"a\" {\n  description = \"oops\n  default = 1\n}\n"
        #expect(diagnostics(source) == ["e.tf:2:17: error: unterminated string"])
        #expect(ModuleDeclarations.read(hcl: source, path: "e.tf").variables["a"]?.hasDefault == true)
    }

    @Test("an unterminated heredoc runs to the end of the file")
    func unterminatedHeredoc() {
        let source = "variable \"a\" {\n  description = <<EOT\n  text\n}\n"
        #expect(diagnostics(source) == [
            "e.tf:1:14: error: unclosed `{` opened at line 1",
            "e.tf:2:17: error: unterminated heredoc; missing the closing marker `EOT`",
        ])
    }

    @Test("an unterminated block comment")
    func unterminatedBlockComment() {
        let source = "variable \"a\" {}\n  /* open\nvariable \"b\" {}\n"
        let read = ModuleDeclarations.read(hcl: source, path: "e.tf")
        #expect(diagnostics(source) == ["e.tf:2:3: error: unterminated block comment"])
        #expect(Set(read.variables.keys) == ["a"])
    }

    @Test("a block left open at the end of the file")
    func unclosedBlock() {
        let source = "variable \"a\" {\n  default = {\n    x = 1\n}\n"
        #expect(diagnostics(source) == ["e.tf:1:14: error: unclosed `{` opened at line 1"])
        let diagnostic = ModuleDeclarations.read(hcl: source, path: "e.tf").diagnostics.first
        #expect(diagnostic?.hint == "add the matching `}`")
    }

    @Test("a bracket left open inside a skipped block")
    func unclosedBracket() {
        let source = "resource \"x\" \"y\" {\n  a = [1, 2\n}\nvariable \"b\" {}\n"
        let read = ModuleDeclarations.read(hcl: source, path: "e.tf")
        #expect(diagnostics(source) == ["e.tf:2:7: error: unclosed `[` opened at line 2"])
        #expect(Set(read.variables.keys) == ["b"])
    }

    @Test("a parenthesis left open in a variable's argument")
    func unclosedParenthesis() {
        let source = "variable \"a\" {\n  type = list(string\n}\nvariable \"b\" {}\n"
        let read = ModuleDeclarations.read(hcl: source, path: "e.tf")
        #expect(diagnostics(source) == ["e.tf:2:14: error: unclosed `(` opened at line 2"])
        #expect(Set(read.variables.keys) == ["a", "b"])
    }

    @Test("a closing brace with nothing to close")
    func strayClosingBrace() {
        #expect(diagnostics("variable \"a\" {}\n}\n") == ["e.tf:2:1: error: unexpected `}`"])
        #expect(diagnostics("locals {\n  a = 1)\n}\n") == ["e.tf:2:8: error: unexpected `)`"])
    }

    @Test("a variable or output without a label")
    func missingLabel() {
        let source = "variable {\n  default = 1\n}\noutput {\n  value = 1\n}\n"
        let read = ModuleDeclarations.read(hcl: source, path: "e.tf")
        #expect(diagnostics(source) == [
            "e.tf:1:1: error: `variable` block has no label; expected the variable's name",
            "e.tf:4:1: error: `output` block has no label; expected the output's name",
        ])
        #expect(read.variables.isEmpty && read.outputs.isEmpty)
    }

    @Test("a variable with two labels or an empty name")
    func badLabels() {
        #expect(diagnostics("variable \"a\" \"b\" {}\n") == [
            "e.tf:1:14: error: `variable` block has more than one label; only the variable's name is expected",
        ])
        #expect(diagnostics("variable \"\" {}\n") == ["e.tf:1:10: error: `variable` block has an empty name"])
    }

    @Test("a block header without `{` on its line")
    func missingBrace() {
        #expect(diagnostics("variable \"a\"\n{\n}\n") == [
            "e.tf:1:13: error: expected `{` to open the `variable` block, found end of line",
            "e.tf:2:1: error: unexpected `{`; expected a block or an argument",
        ])
        #expect(diagnostics("variable \"a\" {\n  default\n}\n") == [
            "e.tf:2:10: error: expected `=` or `{` after `default`, found end of line",
        ])
    }

    @Test("an argument without a value, and an argument set twice")
    func badArguments() {
        #expect(diagnostics("variable \"a\" {\n  default =\n}\n") == [
            "e.tf:2:11: error: expected a value after `default =`",
        ])
        #expect(diagnostics("variable \"a\" {\n  type = string\n  type = number\n}\n") == [
            "e.tf:3:3: error: duplicate argument `type`; first set at line 2",
        ])
    }

    @Test("a stray token at the top of the file")
    func strayToken() {
        #expect(diagnostics("\"loose\" {\n}\nvariable \"a\" {}\n") == [
            "e.tf:1:1: error: unexpected string; expected a block or an argument",
        ])
    }
}
