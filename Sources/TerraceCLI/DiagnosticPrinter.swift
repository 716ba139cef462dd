import Foundation
import TerraceCore

/// Prints diagnostics for people (with the offending source line and a caret) or as JSON.
struct DiagnosticPrinter {
    let root: String
    let terminal: Terminal

    /// The diagnostics as text, ending with a count line.
    func render(_ diagnostics: [Diagnostic]) -> String {
        var lines: [String] = []
        var fileCache: [String: [Substring]] = [:]
        for diagnostic in diagnostics {
            let label = diagnostic.severity == .error
                ? terminal.paint("error", .bold, .red) : terminal.paint("warning", .bold, .yellow)
            lines.append("\(terminal.paint(diagnostic.location.description, .bold)): \(label): \(diagnostic.message)")
            if diagnostic.location.line > 0 {
                let file = diagnostic.location.file
                if fileCache[file] == nil {
                    let path = file.hasPrefix("/") ? file : root + "/" + file
                    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                    fileCache[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
                }
                if let source = fileCache[file], diagnostic.location.line <= source.count {
                    let (line, caret) = Self.excerpt(source[diagnostic.location.line - 1], column: diagnostic.location.column)
                    let number = String(diagnostic.location.line)
                    let gutter = String(repeating: " ", count: number.count)
                    lines.append(terminal.paint("\(number) | ", .blue) + line)
                    if let caret {
                        let pad = String(repeating: " ", count: caret)
                        lines.append(terminal.paint("\(gutter) | ", .blue) + pad + terminal.paint("^", .bold, .red))
                    }
                }
            }
            if let hint = diagnostic.hint { lines.append("  " + terminal.paint("hint:", .cyan) + " " + hint) }
        }
        let errors = diagnostics.filter { $0.severity == .error }
        let files = Set(errors.map(\.location.file)).count
        if !errors.isEmpty {
            lines.append("\(errors.count) error\(errors.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")")
        }
        return lines.joined(separator: "\n")
    }

    /// How many characters of a source line are shown at most; a longer line is cut around the column.
    static let excerptWidth = 160

    /// The part of a source line to show under a diagnostic (tabs as spaces, at most `excerptWidth` characters around
    /// `column`, with `…` where it was cut), and the caret's offset in it (nil without a column).
    static func excerpt(_ line: Substring, column: Int) -> (text: String, caret: Int?) {
        let characters = Array(line.replacingOccurrences(of: "\t", with: " "))
        let at = max(0, column - 1)
        guard characters.count > excerptWidth else { return (String(characters), column > 0 ? at : nil) }
        let start = max(0, min(at - excerptWidth / 2, characters.count - excerptWidth))
        let end = min(characters.count, start + excerptWidth)
        let prefix = start > 0 ? "…" : ""
        let text = prefix + String(characters[start..<end]) + (end < characters.count ? "…" : "")
        return (text, column > 0 ? at - start + prefix.count : nil)
    }

    /// The diagnostics as the `errors` array of Terrace's JSON output.
    static func json(_ diagnostics: [Diagnostic]) -> [[String: Any]] {
        diagnostics.map { diagnostic in
            var entry: [String: Any] = [
                "severity": diagnostic.severity.rawValue, "file": diagnostic.location.file,
                "line": diagnostic.location.line, "column": diagnostic.location.column, "message": diagnostic.message,
            ]
            entry["hint"] = diagnostic.hint ?? NSNull()
            return entry
        }
    }
}
