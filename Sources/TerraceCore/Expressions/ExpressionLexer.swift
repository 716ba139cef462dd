/// Splits the inside of a `${...}` into tokens, one at a time, so that lexing stops at the closing `}`.
struct ExpressionLexer {
    let scalars: [Unicode.Scalar]
    let locator: TextLocator
    /// The offset of the next scalar to read.
    var position: Int

    init(scalars: [Unicode.Scalar], locator: TextLocator, position: Int) {
        self.scalars = scalars
        self.locator = locator
        self.position = position
    }

    /// The source text between two offsets.
    func text(from start: Int, to end: Int) -> String {
        let lower = max(0, min(start, scalars.count))
        let upper = max(lower, min(end, scalars.count))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lower..<upper])
        return String(view)
    }

    private func scalar(at offset: Int) -> Unicode.Scalar? {
        offset >= 0 && offset < scalars.count ? scalars[offset] : nil
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }

    static func isIdentifierContinue(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar) || scalar == "-"
    }

    /// Reads the next token, skipping whitespace.
    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let scalar = scalar(at: position), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
        let start = position
        guard let scalar = scalar(at: position) else {
            return ExpressionToken(kind: .end, start: start, end: start)
        }
        let single: ExpressionToken.Kind? =
            switch scalar {
            case "(": .leftParen
            case ")": .rightParen
            case "[": .leftBracket
            case "]": .rightBracket
            case "{": .leftBrace
            case "}": .rightBrace
            case ",": .comma
            case ".": .dot
            case "=": .equals
            case ":": .colon
            default: nil
            }
        if let single {
            position += 1
            return ExpressionToken(kind: single, start: start, end: position)
        }
        if scalar == "\"" {
            return try lexString()
        }
        if Self.isDigit(scalar) || (scalar == "-" && self.scalar(at: position + 1).map(Self.isDigit) == true) {
            return try lexNumber()
        }
        if Self.isIdentifierStart(scalar) {
            while let next = self.scalar(at: position), Self.isIdentifierContinue(next) { position += 1 }
            return ExpressionToken(kind: .identifier(text(from: start, to: position)), start: start, end: position)
        }
        let shown = scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        var hint: String? = nil
        switch scalar {
        case "+", "-", "*", "/", "%", "<", ">", "!", "&", "|", "?":
            hint = "operators are not supported; use a function such as `format` or `join`"
        case "'":
            hint = "strings use double quotes"
        case "$":
            hint = "`${` cannot be nested; refer to values directly inside an expression"
        default:
            break
        }
        throw ExpressionError(at: locator.location(at: start), "unexpected character `\(shown)`", hint: hint)
    }

    private mutating func lexString() throws(ExpressionError) -> ExpressionToken {
        let start = position
        position += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = scalar(at: position), scalar != "\n" else {
                throw ExpressionError(
                    at: locator.location(at: start), "unterminated string literal",
                    hint: "close the string with `\"` on the same line")
            }
            if scalar == "\"" {
                position += 1
                return ExpressionToken(kind: .string(String(value)), start: start, end: position)
            }
            if scalar == "\\" {
                guard let escaped = self.scalar(at: position + 1), escaped != "\n" else {
                    throw ExpressionError(
                        at: locator.location(at: start), "unterminated string literal",
                        hint: "close the string with `\"` on the same line")
                }
                switch escaped {
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                default:
                    throw ExpressionError(
                        at: locator.location(at: position), "unknown escape sequence `\\\(escaped)` in string literal",
                        hint: "supported escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\r`")
                }
                position += 2
                continue
            }
            value.append(scalar)
            position += 1
        }
    }

    private mutating func lexNumber() throws(ExpressionError) -> ExpressionToken {
        let start = position
        if scalar(at: position) == "-" { position += 1 }
        while let next = scalar(at: position), Self.isDigit(next) { position += 1 }
        if scalar(at: position) == ".", let after = scalar(at: position + 1), Self.isDigit(after) {
            position += 1
            while let next = scalar(at: position), Self.isDigit(next) { position += 1 }
        }
        if let e = scalar(at: position), e == "e" || e == "E" {
            var lookahead = position + 1
            if let sign = scalar(at: lookahead), sign == "+" || sign == "-" { lookahead += 1 }
            if let digit = scalar(at: lookahead), Self.isDigit(digit) {
                position = lookahead
                while let next = scalar(at: position), Self.isDigit(next) { position += 1 }
            }
        }
        if let next = scalar(at: position), Self.isIdentifierStart(next) {
            var end = position
            while let more = scalar(at: end), Self.isIdentifierContinue(more) { end += 1 }
            throw ExpressionError(
                at: locator.location(at: start), "invalid number `\(text(from: start, to: end))`",
                hint: "identifiers cannot start with a digit")
        }
        let written = text(from: start, to: position)
        guard let number = Double(written), number.isFinite else {
            throw ExpressionError(at: locator.location(at: start), "number `\(written)` is out of range")
        }
        return ExpressionToken(kind: .number(number), start: start, end: position)
    }
}
