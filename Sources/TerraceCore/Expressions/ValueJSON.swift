/// Compact JSON for values, with sorted keys, as Terraform's `jsonencode` writes it.
enum ValueJSON {
    /// The JSON text of `value`; `unknown` is written as `null`. With `escapeHTML`, `<`, `>` and `&` are escaped.
    static func encode(_ value: Value, escapeHTML: Bool = true) -> String {
        var output = ""
        write(value, to: &output, escapeHTML: escapeHTML)
        return output
    }

    private static func write(_ value: Value, to output: inout String, escapeHTML: Bool) {
        switch value {
        case .null, .unknown: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.isFinite ? Value.format(number) : "null"
        case .string(let text): output += quote(text, escapeHTML: escapeHTML)
        case .list(let items):
            output += "["
            for (offset, item) in items.enumerated() {
                if offset > 0 { output += "," }
                write(item, to: &output, escapeHTML: escapeHTML)
            }
            output += "]"
        case .map(let entries):
            output += "{"
            for (offset, key) in entries.keys.sorted().enumerated() {
                if offset > 0 { output += "," }
                output += quote(key, escapeHTML: escapeHTML)
                output += ":"
                write(entries[key] ?? .null, to: &output, escapeHTML: escapeHTML)
            }
            output += "}"
        }
    }

    /// The text as a JSON string literal.
    static func quote(_ text: String, escapeHTML: Bool = false) -> String {
        var output = String.UnicodeScalarView()
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": output.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": output.append(contentsOf: "\\n".unicodeScalars)
            case "\r": output.append(contentsOf: "\\r".unicodeScalars)
            case "\t": output.append(contentsOf: "\\t".unicodeScalars)
            case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML, "\u{2028}", "\u{2029}":
                output.append(contentsOf: unicodeEscape(scalar.value).unicodeScalars)
            default:
                if scalar.value < 0x20 {
                    output.append(contentsOf: unicodeEscape(scalar.value).unicodeScalars)
                } else {
                    output.append(scalar)
                }
            }
        }
        output.append("\"")
        return String(output)
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
