import Foundation

/// Reads what Terraform printed (with `-no-color`) when a command failed: the error summary,
/// state lock details and whether the cause looks transient. Pure functions over text.
enum TerraformDiagnostics {
    /// The first error summary: the text after `Error: ` on the first such line (box-drawing
    /// characters of coloured output tolerated), or nil when there is none.
    static func errorSummary(in output: String) -> String? {
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = stripDecoration(line)
            if trimmed.hasPrefix("Error: ") {
                let summary = trimmed.dropFirst("Error: ".count).trimmingCharacters(in: .whitespaces)
                if !summary.isEmpty { return summary }
            }
        }
        return nil
    }

    /// Whether Terraform could not take the state lock.
    static func isLockError(_ output: String) -> Bool {
        output.contains("Error acquiring the state lock")
    }

    /// Whether Terraform refused a saved plan because the state changed since it was made.
    static func isStalePlan(_ output: String) -> Bool {
        output.contains("Saved plan is stale")
    }

    /// The `Lock Info:` lines of a state lock error, as `Key: value` pairs (empty values left out).
    static func lockInfo(in output: String) -> [String] {
        var info: [String] = []
        var inside = false
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = stripDecoration(line)
            if trimmed == "Lock Info:" {
                inside = true
                continue
            }
            guard inside else { continue }
            guard let colon = trimmed.firstIndex(of: ":"), !trimmed.isEmpty else { break }
            let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { info.append("\(key): \(value)") }
        }
        return info
    }

    /// The one-line message of a state lock error: `the state is locked (ID: …, Who: …, …)`.
    static func lockMessage(in output: String) -> String {
        let info = lockInfo(in: output)
        return info.isEmpty ? "the state is locked by another run" : "the state is locked by another run (\(info.joined(separator: ", ")))"
    }

    /// Markers of errors worth retrying: throttling, overloaded services and dropped connections.
    static let transientMarkers: [String] = [
        "ThrottlingException", "Throttling:", "RequestLimitExceeded", "SlowDown", "TooManyRequestsException",
        "Rate exceeded", "connection reset", "503 Service Unavailable", "StatusCode: 503", "ServiceUnavailable",
        "i/o timeout", "TLS handshake timeout", "RequestTimeout",
    ]

    /// Whether a failed command's output points at a transient cloud error. Only the diagnostics
    /// (from the first `Error:` line on) are looked at, so resource values shown in a plan never count;
    /// a state lock error is never transient (`-lock-timeout` handles waiting).
    static func isTransient(_ output: String) -> Bool {
        guard !isLockError(output) else { return false }
        let diagnostics: Substring
        if let start = output.range(of: "Error: ") {
            diagnostics = output[start.lowerBound...]
        } else {
            diagnostics = Substring(output)
        }
        return transientMarkers.contains { diagnostics.range(of: $0, options: .caseInsensitive) != nil }
    }

    /// Whether Terraform asks for `init` to be run again (a provider, module or backend not yet installed).
    static func needsInit(_ output: String) -> Bool {
        output.contains("terraform init") || output.contains("tofu init")
            || output.contains("Required plugins are not installed")
    }

    /// The last `count` lines of `output`, without trailing blank lines.
    static func tail(of output: String, lines count: Int = 20) -> [String] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { lines.removeLast() }
        return Array(lines.suffix(count))
    }

    /// A line without the `│`, `╷`, `╵` frame of Terraform's coloured diagnostics and surrounding spaces.
    private static func stripDecoration(_ line: Substring) -> String {
        String(line.drop { $0 == " " || $0 == "│" || $0 == "╷" || $0 == "╵" || $0 == "\r" }).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
