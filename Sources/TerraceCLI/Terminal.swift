import Foundation

/// Where output goes, and whether it may be colored.
struct Terminal: Sendable {
    /// ANSI styles.
    enum Style: String {
        case bold = "1"
        case dim = "2"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case blue = "34"
        case cyan = "36"
    }

    /// Whether to emit ANSI colors.
    let colored: Bool

    /// Colors when standard output (or error, for `forErrors`) is a terminal, unless disabled.
    init(noColor: Bool, forErrors: Bool = false) {
        let descriptor = forErrors ? STDERR_FILENO : STDOUT_FILENO
        let environment = ProcessInfo.processInfo.environment
        colored = !noColor && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb" && isatty(descriptor) == 1
    }

    init(colored: Bool) {
        self.colored = colored
    }

    func paint(_ text: String, _ styles: Style...) -> String {
        guard colored, !styles.isEmpty else { return text }
        return "\u{1B}[" + styles.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }

    /// Writes `text` to standard error.
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
