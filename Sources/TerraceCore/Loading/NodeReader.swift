import Yams

/// Reads the YAML nodes of one file into plain values, collecting diagnostics rather than stopping at the first.
struct NodeReader {
    /// One key of a mapping with its value node.
    struct Entry {
        let key: String
        let keyLocation: SourceLocation
        let value: Node
    }

    /// The file, relative to the repository root, used in every location.
    let file: String
    /// Problems found so far.
    var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    mutating func error(_ location: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(.error(location, message, hint: hint))
    }

    mutating func error(_ node: Node, _ message: String, hint: String? = nil) {
        error(location(of: node), message, hint: hint)
    }

    /// "a list", "a mapping", "the string `x`", "the number 3", … for messages.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch scalarValue(scalar) {
            case .null: return "nothing (null)"
            case .bool(let flag): return "the boolean \(flag)"
            case .number(let number): return "the number \(Value.format(number))"
            default: return "a string"
            }
        default: return "an alias"
        }
    }

    /// The value of a scalar: quoted and block scalars are strings; plain ones follow the YAML 1.2 core schema.
    func scalarValue(_ scalar: Node.Scalar) -> Value {
        scalar.style == .plain ? YAMLScalar.resolvePlain(scalar.string) : .string(scalar.string)
    }

    /// Where a scalar's text starts (after an opening quote; on the next line for block scalars).
    func contentLocation(of node: Node) -> SourceLocation {
        let start = location(of: node)
        guard case .scalar(let scalar) = node else { return start }
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: return start.advanced(by: 1)
        case .literal, .folded: return SourceLocation(file: start.file, line: start.line + 1, column: 1)
        default: return start
        }
    }

    /// The entries of a mapping, or nil (with a diagnostic) when `node` is not a mapping.
    mutating func mapping(_ node: Node, _ what: String) -> [Entry]? {
        guard case .mapping(let mapping) = node else {
            error(node, "`\(what)` must be a mapping, got \(describe(node))")
            return nil
        }
        var entries: [Entry] = []
        entries.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error(key, "keys in `\(what)` must be strings, got \(describe(key))")
                continue
            }
            entries.append(Entry(key: scalar.string, keyLocation: location(of: key), value: value))
        }
        return entries
    }

    /// Reports every key of `entries` that is not in `allowed`, with the closest allowed key as a hint.
    mutating func checkKeys(_ entries: [Entry], allowed: [String], in what: String) {
        for entry in entries where !allowed.contains(entry.key) {
            let hint: String
            if let suggestion = Suggestions.closest(to: entry.key, in: allowed) {
                hint = "did you mean `\(suggestion)`?"
            } else {
                hint = "allowed keys: " + allowed.joined(separator: ", ")
            }
            error(entry.keyLocation, "unknown key `\(entry.key)` in `\(what)`", hint: hint)
        }
    }

    /// A string scalar, or nil (with a diagnostic) for anything else.
    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, case .string(let text) = scalarValue(scalar) else {
            error(node, "`\(what)` must be a string, got \(describe(node))")
            return nil
        }
        return text
    }

    /// A whole number within `range`, or nil (with a diagnostic).
    mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, case .number(let number) = scalarValue(scalar),
            let value = number.intValue
        else {
            error(node, "`\(what)` must be a whole number, got \(describe(node))")
            return nil
        }
        guard range.contains(value) else {
            error(node, "`\(what)` must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    /// A boolean, or nil (with a diagnostic).
    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar(let scalar) = node, case .bool(let flag) = scalarValue(scalar) else {
            error(node, "`\(what)` must be true or false, got \(describe(node))")
            return nil
        }
        return flag
    }

    /// A list of strings with their locations, or nil (with a diagnostic).
    mutating func stringList(_ node: Node, _ what: String) -> [Located<String>]? {
        guard case .sequence(let sequence) = node else {
            error(node, "`\(what)` must be a list of strings, got \(describe(node))")
            return nil
        }
        var result: [Located<String>] = []
        for item in sequence {
            if let text = string(item, "\(what)[\(result.count)]") {
                result.append(Located(text, at: location(of: item)))
            }
        }
        return result
    }

    /// Any YAML value as a plain ``Value`` (templates are not interpreted).
    mutating func value(_ node: Node, _ what: String) -> Value {
        switch node {
        case .scalar(let scalar): return scalarValue(scalar)
        case .sequence(let sequence):
            return .list(sequence.enumerated().map { index, item in value(item, "\(what)[\(index)]") })
        case .mapping:
            guard let entries = mapping(node, what) else { return .null }
            var result: [String: Value] = [:]
            for entry in entries { result[entry.key] = value(entry.value, "\(what).\(entry.key)") }
            return .map(result)
        default:
            error(node, "YAML aliases are not supported in `\(what)`")
            return .null
        }
    }

    /// A unit input: literals stay literals, strings containing `${` become templates.
    mutating func input(_ node: Node, _ what: String) -> InputValue {
        let location = location(of: node)
        switch node {
        case .scalar(let scalar):
            let value = scalarValue(scalar)
            if case .string(let text) = value, TemplateParser.containsOpening(text) {
                switch TemplateParser.parse(text, at: contentLocation(of: node)) {
                case .success(let template): return .template(template)
                case .failure(let failure):
                    diagnostics.append(failure.diagnostic)
                    return .literal(.null, location)
                }
            }
            return .literal(value, location)
        case .sequence(let sequence):
            return .list(sequence.enumerated().map { index, item in input(item, "\(what)[\(index)]") }, location)
        case .mapping:
            guard let entries = mapping(node, what) else { return .literal(.null, location) }
            var result: [String: InputValue] = [:]
            for entry in entries { result[entry.key] = input(entry.value, "\(what).\(entry.key)") }
            return .map(result, location)
        default:
            error(node, "YAML aliases are not supported in `\(what)`")
            return .literal(.null, location)
        }
    }
}
