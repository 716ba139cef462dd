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
                    let line = source[diagnostic.location.line - 1]
                    let number = String(diagnostic.location.line)
                    let gutter = String(repeating: " ", count: number.count)
                    lines.append(terminal.paint("\(number) | ", .blue) + line.replacingOccurrences(of: "\t", with: " "))
                    if diagnostic.location.column > 0 {
                        let pad = String(repeating: " ", count: max(0, diagnostic.location.column - 1))
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
