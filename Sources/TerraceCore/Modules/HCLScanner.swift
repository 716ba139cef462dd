/// Splits the UTF-8 bytes of an HCL file into ``HCLToken``s, reporting lexical errors as diagnostics.
///
/// The scanner works on bytes in a single forward pass (linear time) and never fails: an unterminated
/// string, heredoc or block comment becomes a diagnostic and scanning goes on after it.
/// Comments and whitespace other than newlines produce no tokens; the token list always ends
/// with an ``HCLToken/Kind/endOfFile`` token.
struct HCLScanner {
    /// The file's UTF-8 bytes.
    let bytes: [UInt8]
    /// The file's path, for diagnostics.
    let path: String
    /// The tokens scanned so far.
    private(set) var tokens: [HCLToken] = []
    /// The lexical errors found so far.
    private(set) var diagnostics: [Diagnostic] = []

    private var position = 0
    private var line = 1
    private var column = 1

    /// One level of nesting inside a quoted string: its literal text, or a `${ … }` / `%{ … }` sequence.
    private enum TemplateFrame {
        case literal
        case interpolation(depth: Int)
    }

    /// Creates a scanner for a file's bytes.
    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Scans the whole file into ``tokens`` and ``diagnostics``.
    mutating func scan() {
        tokens.reserveCapacity(bytes.count / 4 + 1)
        while let byte = peek() {
            switch byte {
            case HCLByte.space, HCLByte.tab, HCLByte.carriageReturn, HCLByte.formFeed:
                advance()
            case HCLByte.newline:
                emit(.newline, length: 1)
            case HCLByte.hash:
                skipLineComment()
            case HCLByte.slash where peek(1) == HCLByte.slash:
                skipLineComment()
            case HCLByte.slash where peek(1) == HCLByte.star:
                skipBlockComment()
            case HCLByte.quote:
                scanQuotedString()
            case HCLByte.less where heredocIntroducerLength() != nil:
                scanHeredoc()
            case HCLByte.openBrace:
                emit(.openBrace, length: 1)
            case HCLByte.closeBrace:
                emit(.closeBrace, length: 1)
            case HCLByte.openBracket:
                emit(.openBracket, length: 1)
            case HCLByte.closeBracket:
                emit(.closeBracket, length: 1)
            case HCLByte.openParen:
                emit(.openParen, length: 1)
            case HCLByte.closeParen:
                emit(.closeParen, length: 1)
            case HCLByte.equals:
                if peek(1) == HCLByte.equals || peek(1) == HCLByte.greater {
                    emit(.other, length: 2)
                } else {
                    emit(.equals, length: 1)
                }
            case HCLByte.bang, HCLByte.less, HCLByte.greater:
                emit(.other, length: peek(1) == HCLByte.equals ? 2 : 1)
            case HCLByte.zero...HCLByte.nine:
                scanNumber()
            default:
                if HCLByte.isIdentifierStart(byte) {
                    scanIdentifier()
                } else {
                    emit(.other, length: 1)
                }
            }
        }
        tokens.append(HCLToken(kind: .endOfFile, start: position, end: position, line: line, column: column))
    }

    // MARK: - Reading bytes

    /// The byte `offset` bytes after the current position, or nil past either end.
    private func peek(_ offset: Int = 0) -> UInt8? {
        let index = position + offset
        guard index >= 0, index < bytes.count else { return nil }
        return bytes[index]
    }

    /// Moves one byte forward, keeping the line and column (counted in Unicode scalars) up to date.
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

    /// Moves `count` bytes forward.
    private mutating func advance(by count: Int) {
        for _ in 0..<max(count, 0) { advance() }
    }

    /// Adds a token of `length` bytes starting at the current position and moves past it.
    private mutating func emit(_ kind: HCLToken.Kind, length: Int) {
        let start = position
        let startLine = line
        let startColumn = column
        advance(by: length)
        tokens.append(HCLToken(kind: kind, start: start, end: position, line: startLine, column: startColumn))
    }

    private mutating func report(_ message: String, line: Int, column: Int, hint: String? = nil) {
        diagnostics.append(.error(SourceLocation(file: path, line: line, column: column), message, hint: hint))
    }

    // MARK: - Comments, numbers, identifiers

    /// Skips a `#` or `//` comment up to, not including, the end of the line.
    private mutating func skipLineComment() {
        while let byte = peek(), byte != HCLByte.newline { advance() }
    }

    /// Skips a `/* … */` comment, reporting it when it never ends.
    private mutating func skipBlockComment() {
        let startLine = line
        let startColumn = column
        advance(by: 2)
        while let byte = peek() {
            if byte == HCLByte.star, peek(1) == HCLByte.slash {
                advance(by: 2)
                return
            }
            advance()
        }
        report("unterminated block comment", line: startLine, column: startColumn, hint: "close it with `*/`")
    }

    private mutating func scanNumber() {
        let start = position
        let startLine = line
        let startColumn = column
        while let byte = peek(), HCLByte.isDigit(byte) || byte == HCLByte.dot { advance() }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            var offset = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { offset = 2 }
            if let digit = peek(offset), HCLByte.isDigit(digit) {
                advance(by: offset)
                while let byte = peek(), HCLByte.isDigit(byte) { advance() }
            }
        }
        tokens.append(HCLToken(kind: .number, start: start, end: position, line: startLine, column: startColumn))
    }

    private mutating func scanIdentifier() {
        let start = position
        let startLine = line
        let startColumn = column
        advance()
        while let byte = peek(), HCLByte.isIdentifierContinue(byte) { advance() }
        tokens.append(HCLToken(kind: .identifier, start: start, end: position, line: startLine, column: startColumn))
    }

    // MARK: - Quoted strings

    /// Scans a quoted string, with its escapes and its (possibly nested) template sequences, into one token.
    ///
    /// The token's value has the escapes of its literal parts resolved, `$${` and `%%{` unescaped,
    /// and template sequences kept as written. A string that meets the end of its line (outside a
    /// template sequence) or of the file is reported as unterminated and ends there.
    private mutating func scanQuotedString() {
        let start = position
        let startLine = line
        let startColumn = column
        advance()
        var value: [UInt8] = []
        var frames: [TemplateFrame] = [.literal]
        var terminated = false
        scanning: while let frame = frames.last, let byte = peek() {
            let outermost = frames.count == 1
            switch frame {
            case .literal:
                if byte == HCLByte.newline { break scanning }
                if byte == HCLByte.quote {
                    advance()
                    frames.removeLast()
                    if frames.isEmpty {
                        terminated = true
                        break scanning
                    }
                    value.append(byte)
                } else if byte == HCLByte.backslash {
                    scanEscape(into: &value, resolve: outermost)
                } else if byte == HCLByte.dollar || byte == HCLByte.percent, peek(1) == byte, peek(2) == HCLByte.openBrace {
                    // `$${` and `%%{` stand for a literal `${` and `%{`.
                    if !outermost { value.append(byte) }
                    value.append(byte)
                    value.append(HCLByte.openBrace)
                    advance(by: 3)
                } else if byte == HCLByte.dollar || byte == HCLByte.percent, peek(1) == HCLByte.openBrace {
                    value.append(byte)
                    value.append(HCLByte.openBrace)
                    advance(by: 2)
                    frames.append(.interpolation(depth: 0))
                } else {
                    value.append(byte)
                    advance()
                }
            case .interpolation(let depth):
                if byte == HCLByte.quote {
                    frames.append(.literal)
                    value.append(byte)
                    advance()
                } else if byte == HCLByte.openBrace {
                    frames[frames.count - 1] = .interpolation(depth: depth + 1)
                    value.append(byte)
                    advance()
                } else if byte == HCLByte.closeBrace {
                    if depth == 0 {
                        frames.removeLast()
                    } else {
                        frames[frames.count - 1] = .interpolation(depth: depth - 1)
                    }
                    value.append(byte)
                    advance()
                } else if byte == HCLByte.hash || (byte == HCLByte.slash && peek(1) == HCLByte.slash) {
                    skipLineComment()
                } else if byte == HCLByte.slash, peek(1) == HCLByte.star {
                    skipBlockComment()
                } else {
                    value.append(byte)
                    advance()
                }
            }
        }
        if !terminated {
            report("unterminated string", line: startLine, column: startColumn, hint: "close it with `\"` on the same line")
        }
        tokens.append(HCLToken(
            kind: .string, start: start, end: position, line: startLine, column: startColumn,
            value: String(decoding: value, as: UTF8.self)
        ))
    }

    /// Scans a backslash escape; appends what it stands for when `resolve`, else the escape as written.
    private mutating func scanEscape(into value: inout [UInt8], resolve: Bool) {
        guard let next = peek(1), next != HCLByte.newline else {
            // A lone backslash at the end of the line or file: keep it; the string ends there.
            value.append(HCLByte.backslash)
            advance()
            return
        }
        guard resolve else {
            value.append(HCLByte.backslash)
            advance()
            value.append(next)
            advance()
            return
        }
        switch next {
        case UInt8(ascii: "n"): value.append(HCLByte.newline)
        case UInt8(ascii: "r"): value.append(HCLByte.carriageReturn)
        case UInt8(ascii: "t"): value.append(HCLByte.tab)
        case HCLByte.quote, HCLByte.backslash: value.append(next)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let digits = next == UInt8(ascii: "u") ? 4 : 8
            if let scalar = unicodeScalar(hexDigitsAt: 2, count: digits) {
                value.append(contentsOf: Array(String(Character(scalar)).utf8))
                advance(by: 2 + digits)
                return
            }
            value.append(HCLByte.backslash)
            value.append(next)
        default:
            // Not an escape HCL knows: keep it as written.
            value.append(HCLByte.backslash)
            value.append(next)
        }
        advance(by: 2)
    }

    /// The Unicode scalar spelled by `count` hex digits starting `offset` bytes ahead, if valid.
    private func unicodeScalar(hexDigitsAt offset: Int, count: Int) -> Unicode.Scalar? {
        var code: UInt32 = 0
        for index in 0..<count {
            guard let byte = peek(offset + index), let digit = HCLByte.hexValue(byte) else { return nil }
            code = code &* 16 &+ UInt32(digit)
        }
        return Unicode.Scalar(code)
    }

    // MARK: - Heredocs

    /// If a heredoc introducer (`<<EOT` or `<<-EOT` followed by a newline) starts here, its length
    /// in bytes without the newline; nil otherwise.
    private func heredocIntroducerLength() -> Int? {
        guard peek() == HCLByte.less, peek(1) == HCLByte.less else { return nil }
        var offset = 2
        if peek(offset) == HCLByte.minus { offset += 1 }
        guard let first = peek(offset), HCLByte.isIdentifierStart(first) else { return nil }
        offset += 1
        while let byte = peek(offset), HCLByte.isIdentifierContinue(byte) { offset += 1 }
        let length = offset
        if peek(offset) == HCLByte.carriageReturn { offset += 1 }
        guard peek(offset) == HCLByte.newline else { return nil }
        return length
    }

    /// Scans a heredoc up to and including its closing marker (not the newline after it).
    ///
    /// The closing marker is a line holding only the marker, whitespace around it allowed.
    /// The value is the lines in between, each ending with a newline; for `<<-` the smallest
    /// indentation of the non-blank lines is removed.
    private mutating func scanHeredoc() {
        let start = position
        let startLine = line
        let startColumn = column
        guard let introducerLength = heredocIntroducerLength() else {
            emit(.other, length: 1)
            return
        }
        let indented = peek(2) == HCLByte.minus
        let markerStart = position + (indented ? 3 : 2)
        let markerEnd = position + introducerLength
        let marker = markerStart < markerEnd && markerEnd <= bytes.count ? Array(bytes[markerStart..<markerEnd]) : []
        // Skip the introducer and the rest of its line.
        while let byte = peek(), byte != HCLByte.newline { advance() }
        advance()

        var lines: [ArraySlice<UInt8>] = []
        var terminated = false
        while position < bytes.count {
            let lineStart = position
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != HCLByte.newline { lineEnd += 1 }
            var contentStart = lineStart
            var contentEnd = lineEnd
            while contentStart < contentEnd, HCLByte.isBlank(bytes[contentStart]) { contentStart += 1 }
            while contentEnd > contentStart, HCLByte.isBlank(bytes[contentEnd - 1]) { contentEnd -= 1 }
            if bytes[contentStart..<contentEnd].elementsEqual(marker) {
                advance(by: contentEnd - position)
                terminated = true
                break
            }
            var kept = lineEnd
            if kept > lineStart, bytes[kept - 1] == HCLByte.carriageReturn { kept -= 1 }
            lines.append(bytes[lineStart..<kept])
            advance(by: lineEnd - position)
            advance()
        }
        if !terminated {
            let name = String(decoding: marker, as: UTF8.self)
            report(
                "unterminated heredoc; missing the closing marker `\(name)`",
                line: startLine, column: startColumn,
                hint: "end it with a line holding only `\(name)`"
            )
        }
        tokens.append(HCLToken(
            kind: .heredoc, start: start, end: position, line: startLine, column: startColumn,
            value: Self.heredocValue(lines: lines, indented: indented)
        ))
    }

    /// The text a heredoc's lines denote.
    private static func heredocValue(lines: [ArraySlice<UInt8>], indented: Bool) -> String {
        var strip = 0
        if indented {
            var smallest = Int.max
            for line in lines {
                let indent = line.prefix(while: HCLByte.isBlank).count
                if indent < line.count { smallest = min(smallest, indent) }
            }
            strip = smallest == Int.max ? 0 : smallest
        }
        var text: [UInt8] = []
        for line in lines {
            let indent = line.prefix(while: HCLByte.isBlank).count
            var index = line.startIndex + min(strip, indent)
            while index < line.endIndex {
                let byte = line[index]
                let next = index + 1 < line.endIndex ? line[index + 1] : nil
                let afterNext = index + 2 < line.endIndex ? line[index + 2] : nil
                if byte == HCLByte.dollar || byte == HCLByte.percent, next == byte, afterNext == HCLByte.openBrace {
                    text.append(byte)
                    text.append(HCLByte.openBrace)
                    index += 3
                } else {
                    text.append(byte)
                    index += 1
                }
            }
            text.append(HCLByte.newline)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
