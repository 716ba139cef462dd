import Yams

extension ManifestDecoder {
    /// Decodes a `timeout:` value (`30m`, `90s`, `1h30m`), or reports at its location why it is not one.
    mutating func decodeTimeout(_ node: Node, _ what: String) -> Located<Duration>? {
        let hint = "write a duration like `30m`, `90s` or `1h30m` (at least 1s, at most 168h)"
        guard case .scalar(let scalar) = node, case .string(let text) = reader.scalarValue(scalar) else {
            if case .scalar(let scalar) = node, case .number = reader.scalarValue(scalar) {
                reader.error(node, "`\(what)` needs a unit: got the number \(scalar.string)", hint: "write `\(scalar.string)m` or `\(scalar.string)s`")
            } else {
                reader.error(node, "`\(what)` must be a duration, got \(reader.describe(node))", hint: hint)
            }
            return nil
        }
        switch UnitTimeout.parse(text) {
        case .success(let duration): return Located(duration, at: reader.location(of: node))
        case .failure(let failure):
            reader.error(node, "invalid `\(what)`: \(failure.message)", hint: hint)
            return nil
        }
    }
}
