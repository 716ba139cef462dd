extension TypedValue {
    /// The value as `terraform console` shows it: HCL syntax, one element per line in collections, typed
    /// collections wrapped in `tolist(...)`, `toset(...)` or `tomap(...)`, unknowns as `(known after apply)`.
    public var consoleText: String {
        var output = ""
        writeConsoleText(to: &output, indent: "")
        return output
    }

    private func writeConsoleText(to output: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .unknown: output += "(known after apply)"
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += number.description
        case .string(let text):
            if text.contains("\n") {
                output += "<<EOT\n"
                output += text.hasSuffix("\n") ? text : text + "\n"
                output += indent + "EOT"
            } else {
                output += HCLText.quoted(text)
            }
        case .list(let items, _), .set(let items, _), .tuple(let items):
            let wrapper: String? =
                switch self {
                case .list: "tolist"
                case .set: "toset"
                default: nil
                }
            if let wrapper { output += wrapper + "(" }
            if items.isEmpty {
                output += "[]"
            } else {
                output += "[\n"
                for item in items {
                    output += inner
                    item.writeConsoleText(to: &output, indent: inner)
                    output += ",\n"
                }
                output += indent + "]"
            }
            if wrapper != nil { output += ")" }
        case .map(let entries, _), .object(let entries):
            let isMap = if case .map = self { true } else { false }
            if isMap { output += "tomap(" }
            if entries.isEmpty {
                output += "{}"
            } else {
                output += "{\n"
                let width = entries.keys.map { HCLText.quoted($0).count }.max() ?? 0
                for key in entries.keys.sorted() {
                    let name = HCLText.quoted(key)
                    output += inner + name + String(repeating: " ", count: width - name.count) + " = "
                    entries[key]?.writeConsoleText(to: &output, indent: inner)
                    output += "\n"
                }
                output += indent + "}"
            }
            if isMap { output += ")" }
        }
    }
}
