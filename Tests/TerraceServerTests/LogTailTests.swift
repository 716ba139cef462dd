import Testing

@testable import TerraceServer

/// The end of a long log, cut from its end.
@Suite struct LogTailTests {
    @Test func theLastLinesAndTheCountMatchSplittingTheWholeLog() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\nb\n", "a\n\nb\n\n", "é\nü\n日本\n", String(repeating: "line\n", count: 50)] {
            var all = text.split(separator: "\n", omittingEmptySubsequences: false)
            if all.last == "" { all.removeLast() }
            for count in [0, 1, 2, 3, 100] {
                let tail = UIController.lastLines(of: text, count)
                // An empty log gives one empty line, which the page drops (as it drops a final empty line).
                let lines = text.isEmpty ? Array(tail.lines.dropLast()) : tail.lines
                #expect(tail.total == (text.isEmpty ? 0 : all.count), "\(text.debugDescription) total")
                if count > 0 {
                    #expect(lines == Array(all.suffix(count)), "\(text.debugDescription) last \(count)")
                }
            }
        }
    }
}
