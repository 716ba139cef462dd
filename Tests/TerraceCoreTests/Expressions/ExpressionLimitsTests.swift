import Testing

@testable import TerraceCore

@Suite("Expression limits: hostile nesting is an error at its location, never a stack overflow")
struct ExpressionLimitsTests {
    @Test("100,000-deep nesting of every kind is refused")
    func deepNesting() {
        let depth = 100_000
        let cases = [
            "${" + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "}",
            "${" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}",
            "${" + String(repeating: "{a=", count: depth) + "1" + String(repeating: "}", count: depth) + "}",
            "${" + String(repeating: "true ? 1 : ", count: depth) + "1}",
            "${" + String(repeating: "!", count: depth) + "true}",
            "${" + String(repeating: "[for x in ", count: depth) + "[1]" + String(repeating: " : x]", count: depth) + "}",
        ]
        for text in cases {
            let error = ExprTest.parseError(text)
            #expect(error?.message == "expression nested too deeply")
            #expect(error?.location.line == ExprTest.origin.line)
        }
    }

    @Test("a chain of 100,000 operators or steps is refused at the link past the limit")
    func longChains() throws {
        let sums = ExprTest.parseError("${" + String(repeating: "1 + ", count: 100_000) + "1}")
        #expect(sums?.message == "expression too long: more than 256 operators or steps in a row")
        // `${` then 256 times `1 + `: the 257th `+` is at offset 2 + 4 * 256 + 2.
        #expect(sums?.location == SourceLocation(file: "units/app.yaml", line: 7, column: 12 + 1028))

        let steps = ExprTest.parseError("${var.nested" + String(repeating: "[0]", count: 100_000) + "}")
        #expect(steps?.message == "expression too long: more than 256 operators or steps in a row")
        #expect(steps?.hint == "split it into variables or locals")

        // Long but reasonable chains still parse and evaluate.
        #expect(try ExprTest.evaluate("${" + String(repeating: "1 + ", count: 200) + "1}") == 201)
        #expect(try ExprTest.evaluate("${var.nested.a.b[2].deep}") == "yes")
    }

    @Test("template directives nested 100,000 deep are refused at the directive past the limit")
    func deepDirectives() throws {
        let text = String(repeating: "%{if true}", count: 100_000) + "x" + String(repeating: "%{endif}", count: 100_000)
        let error = ExprTest.parseError(text)
        #expect(error?.message == "template directives nested more than 64 deep")
        #expect(error?.location == SourceLocation(file: "units/app.yaml", line: 7, column: 12 + 640))

        let loops = String(repeating: "%{for x in [1]}", count: 100_000) + String(repeating: "%{endfor}", count: 100_000)
        #expect(ExprTest.parseError(loops)?.message == "template directives nested more than 64 deep")

        // Sequential (not nested) directives do not add up, and 60 nested ones are fine.
        let sequential = String(repeating: "%{if true}a%{endif}", count: 1_000)
        #expect(try ExprTest.evaluate(sequential) == .string(String(repeating: "a", count: 1_000)))
        let nested = String(repeating: "%{if true}", count: 60) + "y" + String(repeating: "%{endif}", count: 60)
        #expect(try ExprTest.evaluate(nested) == "y")
    }
}
