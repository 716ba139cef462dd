extension Value {
    /// Canonical compact JSON: keys sorted, numbers as Terraform prints them, `unknown` as `null`, no HTML
    /// escaping. Equal values always give equal text, which makes it fit for digests and `terraform.tfvars.json`.
    public var canonicalJSON: String {
        var output = ""
        writeJSON(to: &output)
        return output
    }

    private func writeJSON(to output: inout String) {
        switch self {
        case .null, .unknown: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.isInfinite ? "null" : number.description
        case .string(let text): Value.writeJSONString(text, escapeHTML: false, to: &output)
        case .list(let items):
            output += "["
            for (offset, item) in items.enumerated() {
                if offset > 0 { output += "," }
                item.writeJSON(to: &output)
            }
            output += "]"
        case .map(let entries):
            output += "{"
            for (offset, key) in entries.keys.sorted().enumerated() {
                if offset > 0 { output += "," }
                Value.writeJSONString(key, escapeHTML: false, to: &output)
                output += ":"
                (entries[key] ?? .null).writeJSON(to: &output)
            }
            output += "}"
        }
    }

    /// Appends `text` as a JSON string literal, escaping as Go's encoding/json does (`<`, `>` and `&` only with
    /// `escapeHTML`).
    static func writeJSONString(_ text: String, escapeHTML: Bool, to output: inout String) {
        var scalars = String.UnicodeScalarView()
        scalars.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": scalars.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": scalars.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": scalars.append(contentsOf: "\\n".unicodeScalars)
            case "\r": scalars.append(contentsOf: "\\r".unicodeScalars)
            case "\t": scalars.append(contentsOf: "\\t".unicodeScalars)
            case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML, "\u{2028}", "\u{2029}":
                scalars.append(contentsOf: unicodeEscape(scalar.value).unicodeScalars)
            default:
                if scalar.value < 0x20 {
                    scalars.append(contentsOf: unicodeEscape(scalar.value).unicodeScalars)
                } else {
                    scalars.append(scalar)
                }
            }
        }
        scalars.append("\"")
        output += String(scalars)
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
