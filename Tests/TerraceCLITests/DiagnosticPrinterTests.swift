import Testing

@testable import TerraceCLI

/// The source line under a diagnostic: whole when short, cut around the column when long (a hostile one-line
/// manifest must not print megabytes).
@Suite struct DiagnosticPrinterTests {
    @Test func shortLinesAreShownWholeWithTheCaretAtTheColumn() {
        let (text, caret) = DiagnosticPrinter.excerpt("name:\tbad value", column: 7)
        #expect(text == "name: bad value")
        #expect(caret == 6)
        #expect(DiagnosticPrinter.excerpt("whole file", column: 0).caret == nil)
    }

    @Test func longLinesAreCutAroundTheColumn() {
        let line = String(repeating: "[", count: 100_000) + "x" + String(repeating: "]", count: 100_000)
        let (text, caret) = DiagnosticPrinter.excerpt(Substring(line), column: 100_001)
        #expect(text.count == DiagnosticPrinter.excerptWidth + 2)
        #expect(text.hasPrefix("…") && text.hasSuffix("…"))
        let characters = Array(text)
        #expect(caret.map { characters[$0] } == "x")
    }

    @Test func aColumnNearTheStartKeepsTheLineStart() {
        let line = "a" + String(repeating: "b", count: 10_000)
        let (text, caret) = DiagnosticPrinter.excerpt(Substring(line), column: 1)
        #expect(text.hasPrefix("ab") && text.hasSuffix("…"))
        #expect(caret == 0)
    }
}
