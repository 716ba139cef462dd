import Foundation

/// Reads a JSON document as Go's `json.Decoder` tokenizes it, into a syntax tree that keeps repeated keys; then
/// types and decodes it as cty's `json.ImpliedType` and `json.Unmarshal` do.
struct JSONReader {
    /// How deep arrays and objects may nest.
    static let maximumDepth = 512

    /// A parsed JSON value. Numbers keep their text; objects keep every key in order, repeated ones too.
    indirect enum Node {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([Node])
        case object([(key: String, value: Node)])
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Syntax

    /// Reads the one value of the document and checks what follows it.
    mutating func readDocument() throws(ConversionError) -> Node {
        skipSpace()
        let node = try readValue(depth: 0)
        skipSpace()
        if position < bytes.count {
            let next = bytes[position]
            // Go's Decoder.More() does not look past a closing delimiter.
            if next != UInt8(ascii: "]") && next != UInt8(ascii: "}") {
                throw ConversionError(message: "extraneous data after JSON object")
            }
        }
        return node
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// The byte at the current position after white space, or an "EOF" error (Go's token-level end of input).
    private mutating func peekToken() throws(ConversionError) -> UInt8 {
        skipSpace()
        guard position < bytes.count else { throw ConversionError(message: "EOF") }
        return bytes[position]
    }

    private func syntaxError(_ byte: UInt8, _ context: String) -> ConversionError {
        ConversionError(message: "invalid character \(JSONReader.quoteChar(byte))\(context)")
    }

    /// Go's `quoteChar`: a byte shown as a quoted character.
    static func quoteChar(_ byte: UInt8) -> String {
        if byte == UInt8(ascii: "'") { return "'\\''" }
        if byte == UInt8(ascii: "\"") { return "'\"'" }
        let quoted = GoQuote.quote(String(Character(Unicode.Scalar(byte))))
        return "'\(quoted.dropFirst().dropLast())'"
    }

    private mutating func readValue(depth: Int) throws(ConversionError) -> Node {
        let byte = try peekToken()
        switch byte {
        case UInt8(ascii: "["):
            guard depth < JSONReader.maximumDepth else { throw ConversionError(message: "exceeded max depth") }
            position += 1
            return try readArray(depth: depth + 1)
        case UInt8(ascii: "{"):
            guard depth < JSONReader.maximumDepth else { throw ConversionError(message: "exceeded max depth") }
            position += 1
            return try readObject(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readNumber())
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        default:
            throw syntaxError(byte, " looking for beginning of value")
        }
    }

    private mutating func readArray(depth: Int) throws(ConversionError) -> Node {
        var elements: [Node] = []
        if try peekToken() == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try readValue(depth: depth))
            let next = try peekToken()
            if next == UInt8(ascii: ",") {
                position += 1
            } else if next == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw syntaxError(next, " after array element")
            }
        }
    }

    private mutating func readObject(depth: Int) throws(ConversionError) -> Node {
        var entries: [(key: String, value: Node)] = []
        var next = try peekToken()
        if next == UInt8(ascii: "}") {
            position += 1
            return .object(entries)
        }
        if next != UInt8(ascii: "\"") { throw syntaxError(next, "") }
        while true {
            let key = try readString()
            next = try peekToken()
            guard next == UInt8(ascii: ":") else { throw syntaxError(next, " after object key") }
            position += 1
            let value = try readValue(depth: depth)
            entries.append((key, value))
            next = try peekToken()
            if next == UInt8(ascii: "}") {
                position += 1
                return .object(entries)
            }
            guard next == UInt8(ascii: ",") else { throw syntaxError(next, " after object key:value pair") }
            position += 1
            next = try peekToken()
            guard next == UInt8(ascii: "\"") else { throw syntaxError(next, " looking for beginning of object key string") }
        }
    }

    private static let unexpectedEOF = ConversionError(message: "unexpected EOF")

    private mutating func readLiteral(_ word: StaticString) throws(ConversionError) {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        position += 1
        for index in 1..<expected.count {
            guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            let byte = bytes[position]
            if byte != expected[index] {
                let wordText = String(decoding: expected, as: UTF8.self)
                throw syntaxError(byte, " in literal \(wordText) (expecting \(JSONReader.quoteChar(expected[index])))")
            }
            position += 1
        }
    }

    private mutating func readNumber() throws(ConversionError) -> String {
        let start = position
        func digit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        if bytes[position] == UInt8(ascii: "-") {
            position += 1
            guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            guard digit(bytes[position]) else { throw syntaxError(bytes[position], " in numeric literal") }
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, digit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            guard digit(bytes[position]) else { throw syntaxError(bytes[position], " after decimal point in numeric literal") }
            while position < bytes.count, digit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
                guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            }
            guard digit(bytes[position]) else { throw syntaxError(bytes[position], " in exponent of numeric literal") }
            while position < bytes.count, digit(bytes[position]) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// Reads a string starting at its opening quote; invalid surrogate escapes become U+FFFD.
    private mutating func readString() throws(ConversionError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return JSONReader.normalized(text, ascii: bytes[start..<position - 1].allSatisfy { $0 < 0x80 })
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw syntaxError(byte, " in string literal") }
            position += 1
        }
        guard position < bytes.count else { throw JSONReader.unexpectedEOF }
        var output = Array(bytes[start..<position])
        var ascii = output.allSatisfy { $0 < 0x80 }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return JSONReader.normalized(String(decoding: output, as: UTF8.self), ascii: ascii)
            }
            if byte < 0x20 { throw syntaxError(byte, " in string literal") }
            if byte >= 0x80 { ascii = false }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if scalar >= 0xD800 && scalar < 0xE000 {
                    // A surrogate: valid only as a high one followed by an escaped low one.
                    if scalar < 0xDC00, let low = peekLowSurrogate() {
                        position += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                    }
                }
                if scalar >= 0x80 { ascii = false }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: String(character).utf8)
            default:
                throw syntaxError(escape, " in string escape code")
            }
        }
        throw JSONReader.unexpectedEOF
    }

    /// Reads the four hex digits of a `\u` escape.
    private mutating func readHex4() throws(ConversionError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw JSONReader.unexpectedEOF }
            let byte = bytes[position]
            guard let digit = JSONReader.hexValue(byte) else {
                throw syntaxError(byte, " in \\u hexadecimal character escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// The low surrogate of a `\uDCxx` escape right at the current position, if there is one.
    private func peekLowSurrogate() -> UInt32? {
        guard position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
        else { return nil }
        var value: UInt32 = 0
        for offset in 2..<6 {
            guard let digit = JSONReader.hexValue(bytes[position + offset]) else { return nil }
            value = value << 4 | digit
        }
        return value >= 0xDC00 && value < 0xE000 ? value : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// A decoded string in Unicode normalization form C, as cty keeps every string.
    static func normalized(_ text: String, ascii: Bool) -> String {
        ascii ? text : text.precomposedStringWithCanonicalMapping
    }

    // MARK: Types and values

    /// cty's `json.ImpliedType` (cty 1.16): nulls are `dynamic`, arrays tuples, objects objects whose repeated
    /// keys take the type of their last occurrence.
    static func impliedType(_ node: Node) -> ValueType {
        switch node {
        case .null: return .dynamic
        case .bool: return .bool
        case .number: return .number
        case .string: return .string
        case .array(let elements): return .tuple(elements.map(impliedType))
        case .object(let entries):
            var attributes: [String: ValueType] = [:]
            attributes.reserveCapacity(entries.count)
            for entry in entries { attributes[entry.key] = impliedType(entry.value) }
            return .object(attributes)
        }
    }

    /// cty's `json.Unmarshal` of `node` as `type`.
    static func unmarshal(_ node: Node, as type: ValueType, path: [String]) throws(ConversionError) -> TypedValue {
        if case .null = node { return .null(type) }
        switch type {
        case .dynamic:
            return try unmarshalDynamic(node, path: path)
        case .bool:
            switch node {
            case .bool(let flag): return .bool(flag)
            case .string(let text):
                do {
                    return try TypeConversion.convert(.string(text), to: .bool)
                } catch {
                    throw ConversionError(path: path + error.path, message: error.message)
                }
            default: throw ConversionError(path: path, message: "bool is required")
            }
        case .number:
            switch node {
            case .number(let text), .string(let text):
                guard let number = Number(parsing: text) else {
                    throw ConversionError(path: path, message: "a number is required")
                }
                return .number(number)
            default: throw ConversionError(path: path, message: "number is required")
            }
        case .string:
            switch node {
            case .string(let text), .number(let text): return .string(text)
            case .bool(let flag): return .string(flag ? "true" : "false")
            default: throw ConversionError(path: path, message: "string is required")
            }
        case .list(let element), .set(let element):
            guard case .array(let nodes) = node else {
                throw ConversionError(path: path, message: "missing expected [")
            }
            var elements: [TypedValue] = []
            elements.reserveCapacity(nodes.count)
            for (index, child) in nodes.enumerated() {
                elements.append(try unmarshal(child, as: element, path: path + [ConversionError.indexStep(index)]))
            }
            if case .set = type { return TypedValue.set(elements, of: element) }
            return .list(elements, element)
        case .map(let element):
            guard case .object(let entries) = node else {
                throw ConversionError(path: path, message: "missing expected {")
            }
            var result: [String: TypedValue] = [:]
            for entry in entries {
                result[entry.key] = try unmarshal(entry.value, as: element, path: path + [ConversionError.keyStep(entry.key)])
            }
            return .map(result, element)
        case .tuple(let elementTypes):
            guard case .array(let nodes) = node else {
                throw ConversionError(path: path, message: "missing expected [")
            }
            var elements: [TypedValue] = []
            elements.reserveCapacity(nodes.count)
            for (index, child) in nodes.enumerated() {
                guard index < elementTypes.count else {
                    throw ConversionError(path: path, message: "too many tuple elements (need \(elementTypes.count))")
                }
                elements.append(try unmarshal(child, as: elementTypes[index], path: path + [ConversionError.indexStep(index)]))
            }
            guard elements.count == elementTypes.count else {
                throw ConversionError(path: path, message: "not enough tuple elements (need \(elementTypes.count))")
            }
            return .tuple(elements)
        case .object(let attributes):
            guard case .object(let entries) = node else {
                throw ConversionError(path: path, message: "missing expected {")
            }
            var result: [String: TypedValue] = [:]
            result.reserveCapacity(attributes.count)
            for entry in entries {
                guard let attributeType = attributes[entry.key] else {
                    throw ConversionError(path: path, message: "unsupported attribute \(GoQuote.quote(entry.key))")
                }
                result[entry.key] = try unmarshal(entry.value, as: attributeType,
                                                  path: path + [ConversionError.attributeStep(entry.key)])
            }
            for (name, attributeType) in attributes where result[name] == nil {
                result[name] = .null(attributeType)
            }
            return .object(result)
        }
    }

    /// cty's `unmarshalDynamic`: a value of type `dynamic` is written as `{"value": ..., "type": ...}`.
    private static func unmarshalDynamic(_ node: Node, path: [String]) throws(ConversionError) -> TypedValue {
        guard case .object(let entries) = node else {
            throw ConversionError(path: path, message: "missing expected {")
        }
        var type: ValueType?
        var body: Node?
        for entry in entries {
            switch entry.key {
            case "type":
                guard let decoded = typeFromJSON(entry.value) else {
                    throw ConversionError(path: path, message: "failed to decode type for dynamic value: invalid type")
                }
                type = decoded
            case "value":
                body = entry.value
            default:
                throw ConversionError(path: path, message: "invalid key \(GoQuote.quote(entry.key)) in dynamically-typed value")
            }
        }
        guard let type else { throw ConversionError(path: path, message: "missing type in dynamically-typed value") }
        guard let body else { throw ConversionError(path: path, message: "missing value in dynamically-typed value") }
        return try unmarshal(body, as: type, path: path)
    }

    /// A type in cty's JSON form: `"string"`, `["list","number"]`, `["object",{"a":"bool"}]`, `["tuple",[...]]`.
    private static func typeFromJSON(_ node: Node) -> ValueType? {
        switch node {
        case .string("string"): return .string
        case .string("number"): return .number
        case .string("bool"): return .bool
        case .string("dynamic"): return .dynamic
        case .array(let parts):
            guard parts.count >= 2, case .string(let kind) = parts[0] else { return nil }
            switch kind {
            case "list", "set", "map":
                guard parts.count == 2, let element = typeFromJSON(parts[1]) else { return nil }
                return kind == "list" ? .list(element) : kind == "set" ? .set(element) : .map(element)
            case "tuple":
                guard parts.count == 2, case .array(let elements) = parts[1] else { return nil }
                var types: [ValueType] = []
                for element in elements {
                    guard let type = typeFromJSON(element) else { return nil }
                    types.append(type)
                }
                return .tuple(types)
            case "object":
                guard parts.count == 2, case .object(let entries) = parts[1] else { return nil }
                var attributes: [String: ValueType] = [:]
                for entry in entries {
                    guard let type = typeFromJSON(entry.value) else { return nil }
                    attributes[entry.key] = type
                }
                return .object(attributes)
            default:
                return nil
            }
        default:
            return nil
        }
    }
}
