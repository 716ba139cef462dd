extension Value {
    /// Canonical compact JSON: keys sorted, integers without fraction, `unknown` as `"(known after apply)"`.
    /// Equal values always give equal text, which makes it fit for digests.
    public var canonicalJSON: String {
        var output = ""
        appendJSON(to: &output)
        return output
    }

    private func appendJSON(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .unknown: output += "\"(known after apply)\""
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.isFinite ? Value.format(number) : "null"
        case .string(let text): Value.appendQuoted(text, to: &output)
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.appendJSON(to: &output)
            }
            output += "]"
        case .map(let entries):
            output += "{"
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Value.appendQuoted(key, to: &output)
                output += ":"
                entries[key]?.appendJSON(to: &output)
            }
            output += "}"
        }
    }

    /// Appends `text` as a JSON string literal.
    static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
