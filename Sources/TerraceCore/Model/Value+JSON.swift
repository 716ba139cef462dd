extension Value {
    /// Canonical compact JSON: keys sorted, numbers as Terraform prints them, `unknown` and infinities as `null`,
    /// strings escaped as Go does but without HTML escaping. Equal values always give equal text, which makes it fit
    /// for digests and `terraform.tfvars.json`.
    public var canonicalJSON: String {
        var writer = JSONWriter(escapeHTML: false)
        writeJSON(into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private func writeJSON(into writer: inout JSONWriter) {
        switch self {
        case .null, .unknown: writer.bytes += "null".utf8
        case .bool(let flag): writer.bytes += (flag ? "true" : "false").utf8
        case .number(let number): writer.bytes += (number.isInfinite ? "null" : number.description).utf8
        case .string(let text): writer.writeString(text)
        case .list(let items):
            writer.bytes.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                item.writeJSON(into: &writer)
            }
            writer.bytes.append(UInt8(ascii: "]"))
        case .map(let entries):
            writer.bytes.append(UInt8(ascii: "{"))
            for (offset, key) in entries.keys.sorted().enumerated() {
                if offset > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                writer.writeString(key)
                writer.bytes.append(UInt8(ascii: ":"))
                (entries[key] ?? .null).writeJSON(into: &writer)
            }
            writer.bytes.append(UInt8(ascii: "}"))
        }
    }
}
