/// Parses JSON text (RFC 8259) into a ``LocatedJSON``, reporting the first syntax error with its position.
///
/// Works on UTF-8 bytes in one forward pass; nesting deeper than ``maximumDepth`` is an error
/// rather than a risk to the stack.
struct LocatedJSONParser {
    /// A JSON syntax error and where it is.
    struct SyntaxError: Error, Hashable, Sendable {
        var message: String
        var line: Int
        var column: Int
    }

    /// How deeply arrays and objects may nest.
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    /// Creates a parser for a document's text.
    init(text: String) {
        bytes = Array(text.utf8)
    }

    /// Parses the whole document: one value, with only whitespace around it.
    mutating func parse() throws(SyntaxError) -> LocatedJSON {
        position = 0
        line = 1
        column = 1
        depth = 0
        // A byte-order mark is tolerated.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count { throw error("unexpected \(describeCurrent()) after the JSON value") }
        return value
    }

    // MARK: - Bytes

    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        guard index >= 0, index < bytes.count else { return nil }
        return bytes[index]
    }

    private mutating func advance() {
        guard position < bytes.count else { return }
        let byte = bytes[position]
        position += 1
        if byte == HCLByte.newline {
            line += 1
            column = 1
        } else if !HCLByte.isContinuation(byte) {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
            byte == HCLByte.space || byte == HCLByte.tab || byte == HCLByte.newline || byte == HCLByte.carriageReturn
        {
            advance()
        }
    }

    private func error(_ message: String) -> SyntaxError {
        SyntaxError(message: message, line: line, column: column)
    }

    private func describeCurrent() -> String {
        guard let byte = peek() else { return "end of file" }
        if byte >= 0x21 && byte < 0x7F { return "`\(Character(Unicode.Scalar(byte)))`" }
        return "character"
    }

    // MARK: - Values

    private mutating func parseValue() throws(SyntaxError) -> LocatedJSON {
        guard let byte = peek() else { throw error("expected a JSON value, found end of file") }
        switch byte {
        case HCLByte.openBrace: return try parseObject()
        case HCLByte.openBracket: return try parseArray()
        case HCLByte.quote: return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case HCLByte.minus, HCLByte.zero...HCLByte.nine: try parseNumber(); return .number
        default: throw error("expected a JSON value, found \(describeCurrent())")
        }
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("JSON nested more than \(Self.maximumDepth) levels deep") }
    }

    private mutating func parseObject() throws(SyntaxError) -> LocatedJSON {
        try enter()
        advance()
        var members: [LocatedJSON.Member] = []
        skipWhitespace()
        if peek() == HCLByte.closeBrace {
            advance()
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek() == HCLByte.quote else { throw error("expected a quoted key, found \(describeCurrent())") }
            let keyLine = line
            let keyColumn = column
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected `:` after a key, found \(describeCurrent())") }
            advance()
            skipWhitespace()
            let value = try parseValue()
            members.append(LocatedJSON.Member(key: key, line: keyLine, column: keyColumn, value: value))
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                advance()
                continue
            }
            guard peek() == HCLByte.closeBrace else { throw error("expected `,` or `}`, found \(describeCurrent())") }
            advance()
            depth -= 1
            return .object(members)
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> LocatedJSON {
        try enter()
        advance()
        var elements: [LocatedJSON] = []
        skipWhitespace()
        if peek() == HCLByte.closeBracket {
            advance()
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                advance()
                continue
            }
            guard peek() == HCLByte.closeBracket else { throw error("expected `,` or `]`, found \(describeCurrent())") }
            advance()
            depth -= 1
            return .array(elements)
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(SyntaxError) {
        let matches = word.withUTF8Buffer { buffer in
            buffer.enumerated().allSatisfy { offset, byte in peek(offset) == byte }
        }
        guard matches else { throw error("expected a JSON value, found \(describeCurrent())") }
        for _ in 0..<word.utf8CodeUnitCount { advance() }
    }

    private mutating func parseNumber() throws(SyntaxError) {
        if peek() == HCLByte.minus { advance() }
        guard let first = peek(), HCLByte.isDigit(first) else { throw error("expected a digit, found \(describeCurrent())") }
        while let byte = peek(), HCLByte.isDigit(byte) { advance() }
        if peek() == HCLByte.dot {
            advance()
            guard let digit = peek(), HCLByte.isDigit(digit) else {
                throw error("expected a digit after `.`, found \(describeCurrent())")
            }
            while let byte = peek(), HCLByte.isDigit(byte) { advance() }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            advance()
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == HCLByte.minus { advance() }
            guard let digit = peek(), HCLByte.isDigit(digit) else {
                throw error("expected a digit in the exponent, found \(describeCurrent())")
            }
            while let byte = peek(), HCLByte.isDigit(byte) { advance() }
        }
    }

    /// Parses a string at its opening quote, resolving escapes.
    private mutating func parseString() throws(SyntaxError) -> String {
        let startLine = line
        let startColumn = column
        advance()
        var text: [UInt8] = []
        var pendingHighSurrogate: UInt32?
        while true {
            guard let byte = peek() else {
                throw SyntaxError(message: "unterminated string", line: startLine, column: startColumn)
            }
            if byte == HCLByte.quote {
                advance()
                if pendingHighSurrogate != nil { text.append(contentsOf: Self.replacement) }
                return String(decoding: text, as: UTF8.self)
            }
            if byte < 0x20 {
                if byte == HCLByte.newline {
                    throw SyntaxError(message: "unterminated string", line: startLine, column: startColumn)
                }
                throw error("control character in a string; escape it")
            }
            guard byte == HCLByte.backslash else {
                if pendingHighSurrogate != nil {
                    text.append(contentsOf: Self.replacement)
                    pendingHighSurrogate = nil
                }
                text.append(byte)
                advance()
                continue
            }
            guard let escape = peek(1) else {
                throw SyntaxError(message: "unterminated string", line: startLine, column: startColumn)
            }
            if escape == UInt8(ascii: "u") {
                var code: UInt32 = 0
                for offset in 2..<6 {
                    guard let digit = peek(offset).flatMap(HCLByte.hexValue) else {
                        throw error("invalid `\\u` escape; expected four hex digits")
                    }
                    code = code * 16 + UInt32(digit)
                }
                for _ in 0..<6 { advance() }
                if let high = pendingHighSurrogate {
                    pendingHighSurrogate = nil
                    if (0xDC00...0xDFFF).contains(code) {
                        let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                        Self.append(combined, to: &text)
                        continue
                    }
                    text.append(contentsOf: Self.replacement)
                }
                if (0xD800...0xDBFF).contains(code) {
                    pendingHighSurrogate = code
                } else {
                    Self.append(code, to: &text)
                }
                continue
            }
            if pendingHighSurrogate != nil {
                text.append(contentsOf: Self.replacement)
                pendingHighSurrogate = nil
            }
            switch escape {
            case HCLByte.quote, HCLByte.backslash, HCLByte.slash: text.append(escape)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            case UInt8(ascii: "n"): text.append(HCLByte.newline)
            case UInt8(ascii: "r"): text.append(HCLByte.carriageReturn)
            case UInt8(ascii: "t"): text.append(HCLByte.tab)
            default: throw error("invalid escape in a string")
            }
            advance()
            advance()
        }
    }

    /// The UTF-8 of U+FFFD, for lone surrogates.
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private static func append(_ code: UInt32, to text: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(code) else {
            text.append(contentsOf: replacement)
            return
        }
        text.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
