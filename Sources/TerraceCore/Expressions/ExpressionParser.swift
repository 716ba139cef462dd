/// A recursive-descent parser for the inside of one `${...}`.
struct ExpressionParser {
    /// How deeply expressions may nest before parsing stops with an error.
    static let maximumDepth = 64

    private var lexer: ExpressionLexer
    private var current: ExpressionToken
    /// The offset just past the last consumed token.
    private var previousEnd: Int
    /// The offset of the `$` of the `${` being parsed.
    private let openOffset: Int
    private var depth = 0

    /// Starts parsing just after the `${` at `openOffset`.
    init(scalars: [Unicode.Scalar], locator: TextLocator, openOffset: Int) throws(ExpressionError) {
        self.openOffset = openOffset
        lexer = ExpressionLexer(scalars: scalars, locator: locator, position: openOffset + 2)
        previousEnd = openOffset + 2
        current = ExpressionToken(kind: .end, start: openOffset + 2, end: openOffset + 2)
        current = try lexer.next()
    }

    /// Parses the expression and its closing `}`; returns it with the offset just past the `}`.
    mutating func parseInterpolation() throws(ExpressionError) -> (expression: Expression, end: Int) {
        if current.kind == .rightBrace {
            throw ExpressionError(
                at: location(openOffset), "empty expression `${}`",
                hint: "put an expression inside, or write `$${` for a literal `${`")
        }
        let expression = try parseExpression()
        guard current.kind == .rightBrace else {
            throw unexpected("expected `}` to close `${`")
        }
        return (expression, current.end)
    }

    // MARK: - Helpers

    private func location(_ offset: Int) -> SourceLocation {
        lexer.locator.location(at: offset)
    }

    private mutating func advance() throws(ExpressionError) {
        previousEnd = current.end
        current = try lexer.next()
    }

    /// How a token is shown in a message.
    private func describe(_ token: ExpressionToken) -> String {
        if token.kind == .end { return "end of input" }
        var text = lexer.text(from: token.start, to: token.end)
        if text.unicodeScalars.count > 24 {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: text.unicodeScalars.prefix(20))
            text = String(view) + "..."
        }
        return "`\(text)`"
    }

    /// The error for the current token: an unterminated `${` at the end of input, or an unexpected token.
    private func unexpected(_ expectation: String, message: String? = nil) -> ExpressionError {
        if current.kind == .end {
            return ExpressionError(
                at: location(openOffset), "unterminated `${`",
                hint: expectation.hasPrefix("expected `}`")
                    ? "add `}` to close the expression" : "\(expectation); add `}` to close the expression")
        }
        if let message {
            return ExpressionError(at: location(current.start), message, hint: expectation)
        }
        return ExpressionError(at: location(current.start), "unexpected \(describe(current))", hint: expectation)
    }

    // MARK: - Grammar

    private mutating func parseExpression() throws(ExpressionError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            throw ExpressionError(
                at: location(current.start),
                "expression is nested too deeply (more than \(Self.maximumDepth) levels)",
                hint: "split the expression into simpler parts")
        }
        var expression = try parsePrimary()
        // Index suffixes on anything that is not a reference (references collect their own).
        while true {
            switch current.kind {
            case .leftBracket:
                let key = try parseIndex()
                expression = .index(expression, key: key)
            case .dot:
                let key = try parseAttribute()
                expression = .index(expression, key: key)
            default:
                return expression
            }
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        let token = current
        let start = location(token.start)
        switch token.kind {
        case .number(let number):
            try advance()
            return .literal(.number(number), location: start)
        case .string(let text):
            try advance()
            return .literal(.string(text), location: start)
        case .identifier(let name):
            switch name {
            case "true":
                try advance()
                return .literal(.bool(true), location: start)
            case "false":
                try advance()
                return .literal(.bool(false), location: start)
            case "null":
                try advance()
                return .literal(.null, location: start)
            default:
                return try parseReferenceOrCall()
            }
        case .leftBracket:
            return try parseList()
        case .leftBrace:
            return try parseMap()
        case .leftParen:
            try advance()
            let inner = try parseExpression()
            guard current.kind == .rightParen else {
                throw unexpected("expected `)`", message: "missing `)`: found \(describe(current))")
            }
            try advance()
            return inner
        default:
            throw unexpected("expected a value: a reference, a literal, a list, a map or a function call")
        }
    }

    private mutating func parseReferenceOrCall() throws(ExpressionError) -> Expression {
        let startOffset = current.start
        let start = location(startOffset)
        guard case .identifier(let first) = current.kind else {
            throw unexpected("expected a name")
        }
        try advance()
        if current.kind == .leftParen {
            return try parseCall(name: first, at: start)
        }
        var path = [first]
        while current.kind == .dot {
            try advance()
            guard case .identifier(let segment) = current.kind else {
                throw unexpected(
                    "expected a name after `.`",
                    message: "expected an attribute name after `.`, found \(describe(current))")
            }
            path.append(segment)
            try advance()
        }
        if current.kind == .leftParen {
            throw ExpressionError(
                at: location(current.start), "unexpected `(` after `\(path.joined(separator: "."))`",
                hint: "function names cannot contain `.`")
        }
        var indices: [Expression] = []
        while true {
            if current.kind == .leftBracket {
                indices.append(try parseIndex())
            } else if current.kind == .dot, !indices.isEmpty {
                indices.append(try parseAttribute())
            } else {
                break
            }
        }
        let text = lexer.text(from: startOffset, to: previousEnd)
        return .reference(Reference(path: path, indices: indices, location: start, text: text))
    }

    /// Parses `[key]`, the current token being `[`.
    private mutating func parseIndex() throws(ExpressionError) -> Expression {
        try advance()
        if current.kind == .rightBracket {
            throw ExpressionError(
                at: location(current.start), "empty index `[]`", hint: "write an index such as `[0]` or `[\"key\"]`")
        }
        let key = try parseExpression()
        guard current.kind == .rightBracket else {
            throw unexpected(
                "expected `]` to close the index", message: "missing `]` after index: found \(describe(current))")
        }
        try advance()
        return key
    }

    /// Parses `.name` after an index, the current token being `.`; returns the name as a string key.
    private mutating func parseAttribute() throws(ExpressionError) -> Expression {
        try advance()
        guard case .identifier(let name) = current.kind else {
            throw unexpected(
                "expected a name after `.`",
                message: "expected an attribute name after `.`, found \(describe(current))")
        }
        let key = Expression.literal(.string(name), location: location(current.start))
        try advance()
        return key
    }

    private mutating func parseCall(name: String, at start: SourceLocation) throws(ExpressionError) -> Expression {
        try advance()  // (
        var arguments: [Expression] = []
        while current.kind != .rightParen {
            arguments.append(try parseExpression())
            if current.kind == .comma {
                try advance()
            } else if current.kind != .rightParen {
                throw unexpected(
                    "separate arguments with `,` and close the call with `)`",
                    message: "missing `)` in call to `\(name)`: found \(describe(current))")
            }
        }
        try advance()  // )
        return .call(name: name, arguments: arguments, location: start)
    }

    private mutating func parseList() throws(ExpressionError) -> Expression {
        let start = location(current.start)
        try advance()  // [
        var items: [Expression] = []
        while current.kind != .rightBracket {
            items.append(try parseExpression())
            if current.kind == .comma {
                try advance()
            } else if current.kind != .rightBracket {
                throw unexpected(
                    "separate items with `,` and close the list with `]`",
                    message: "missing `]` in list: found \(describe(current))")
            }
        }
        try advance()  // ]
        return .list(items, location: start)
    }

    private mutating func parseMap() throws(ExpressionError) -> Expression {
        let start = location(current.start)
        try advance()  // {
        var entries: [Expression.MapEntry] = []
        var seen: Set<String> = []
        while current.kind != .rightBrace {
            let keyLocation = location(current.start)
            let key: String
            switch current.kind {
            case .identifier(let name): key = name
            case .string(let text): key = text
            default:
                throw unexpected(
                    "map keys are names or strings", message: "expected a map key, found \(describe(current))")
            }
            guard seen.insert(key).inserted else {
                throw ExpressionError(at: keyLocation, "duplicate map key `\(key)`")
            }
            try advance()
            guard current.kind == .equals || current.kind == .colon else {
                throw unexpected(
                    "write `key = value`", message: "expected `=` after map key `\(key)`, found \(describe(current))")
            }
            try advance()
            let value = try parseExpression()
            entries.append(Expression.MapEntry(key: key, keyLocation: keyLocation, value: value))
            switch current.kind {
            case .comma:
                try advance()
            case .rightBrace, .identifier, .string:
                break  // entries may also be separated by whitespace alone
            default:
                throw unexpected(
                    "separate entries with `,` and close the map with `}`",
                    message: "missing `}` in map: found \(describe(current))")
            }
        }
        try advance()  // }
        return .map(entries, location: start)
    }
}
