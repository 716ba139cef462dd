import Foundation

/// A recursive-descent parser for Terraform's expression and template syntax, working on Unicode scalars so that
/// every node gets an exact line and column.
struct ExpressionParser {
    private let scalars: [Unicode.Scalar]
    private let locator: TextLocator
    private var offset = 0
    /// Names bound by enclosing `for` expressions and directives, innermost last.
    private var locals: [String] = []
    /// How many names each open template `for` directive bound.
    private var templateLoopBindings: [Int] = []
    private var depth = 0
    /// How many operators and steps are chained at this point (`a + b + c`, `x[0][0]`): each makes the tree deeper.
    private var chained = 0
    /// How many template `if` and `for` directives are open.
    private var openDirectives = 0

    /// How deep expressions may nest before the parser gives up (keeps hostile input from exhausting the stack).
    static let maximumDepth = 64
    /// How many operators and steps may be chained in one expression, nested ones included: evaluating and walking
    /// the expression recurse once per link.
    static let maximumChain = 256

    init(text: String, origin: SourceLocation) {
        self.init(scalars: Array(text.unicodeScalars), origin: origin)
    }

    private init(scalars: [Unicode.Scalar], origin: SourceLocation) {
        self.scalars = scalars
        locator = TextLocator(scalars: scalars, origin: origin)
    }

    // MARK: Entry points

    /// A whole expression that must use up the text.
    mutating func parseStandalone() throws(ExpressionError) -> Expression {
        skipSpace()
        guard offset < scalars.count else { throw error("expected an expression") }
        let expression = try parseExpression()
        skipSpace()
        guard offset >= scalars.count else { throw error("unexpected \(describeHere()) after the expression") }
        return expression
    }

    // MARK: Templates

    /// One token of a template before directives are nested.
    private enum TemplateToken {
        case literal(String)
        case interpolation(Expression, stripBefore: Bool, stripAfter: Bool)
        case directive(Directive, location: SourceLocation, stripBefore: Bool, stripAfter: Bool)

        var strips: (before: Bool, after: Bool) {
            switch self {
            case .literal: (false, false)
            case .interpolation(_, let before, let after), .directive(_, _, let before, let after): (before, after)
            }
        }
    }

    private enum Directive {
        case ifStart(Expression)
        case elseBranch
        case endIf
        case forStart(keyName: String?, valueName: String, collection: Expression)
        case endFor
    }

    /// Parses template text from the current offset: up to the end of the text (`quoted: false`) or up to the
    /// closing `"` (`quoted: true`, which processes backslash escapes). `start` is where the string began, for
    /// the "unterminated" error.
    mutating func parseTemplate(quoted: Bool, start: Int) throws(ExpressionError) -> [Template.Part] {
        var tokens: [TemplateToken] = []
        var literal = String.UnicodeScalarView()
        func flush() {
            if !literal.isEmpty {
                tokens.append(.literal(String(literal)))
                literal = String.UnicodeScalarView()
            }
        }
        var closed = !quoted
        while offset < scalars.count {
            let scalar = scalars[offset]
            if quoted && scalar == "\"" {
                offset += 1
                closed = true
                break
            }
            if quoted && scalar == "\n" {
                throw ExpressionError(
                    at: locator.location(at: start), "unterminated string: a quoted string cannot span lines",
                    hint: "close it with `\"` on the same line, or write the newline as `\\n`")
            }
            if quoted && scalar == "\\" {
                literal.append(contentsOf: try escapeSequence().unicodeScalars)
                continue
            }
            if (scalar == "$" || scalar == "%") && peek(1) == scalar && peek(2) == "{" {
                literal.append(scalar)
                literal.append("{")
                offset += 3
                continue
            }
            if scalar == "$" && peek(1) == "{" {
                flush()
                let opening = offset
                offset += 2
                let stripBefore = consume("~")
                skipSpace()
                if peek(0) == "}" { throw error("expected an expression inside `${...}`") }
                let expression = try parseExpression()
                skipSpace()
                let stripAfter = consume("~")
                guard consume("}") else {
                    if offset >= scalars.count {
                        throw ExpressionError(
                            at: locator.location(at: opening), "unterminated `${`", hint: "add `}` to close the expression")
                    }
                    throw error("expected `}` to close the `${` at \(locator.location(at: opening).lineColumn), found \(describeHere())")
                }
                tokens.append(.interpolation(expression, stripBefore: stripBefore, stripAfter: stripAfter))
                continue
            }
            if scalar == "%" && peek(1) == "{" {
                flush()
                tokens.append(try directive())
                continue
            }
            literal.append(scalar)
            offset += 1
        }
        guard closed else {
            throw ExpressionError(
                at: locator.location(at: start), "unterminated string", hint: "close it with `\"`")
        }
        flush()
        applyStripMarkers(&tokens)
        var index = 0
        let parts = try nest(tokens, from: &index, until: [])
        return parts
    }

    /// `%{ if cond }`, `%{ else }`, `%{ endif }`, `%{ for k, v in coll }`, `%{ endfor }`.
    private mutating func directive() throws(ExpressionError) -> TemplateToken {
        let opening = offset
        let location = locator.location(at: opening)
        offset += 2
        let stripBefore = consume("~")
        skipSpace()
        let keywordStart = offset
        let keyword = identifier() ?? ""
        let directive: Directive
        switch keyword {
        case "if":
            try openDirective(at: location)
            skipSpace()
            directive = .ifStart(try parseExpression())
        case "else": directive = .elseBranch
        case "endif":
            directive = .endIf
            openDirectives = max(0, openDirectives - 1)
        case "endfor":
            directive = .endFor
            openDirectives = max(0, openDirectives - 1)
            if let bound = templateLoopBindings.popLast() { locals.removeLast(bound) }
        case "for":
            try openDirective(at: location)
            let (keyName, valueName) = try loopNames()
            let collection = try parseExpression()
            directive = .forStart(keyName: keyName, valueName: valueName, collection: collection)
            // The loop's names are in scope until the matching `endfor`.
            let names = [keyName, valueName].compactMap { $0 }
            locals.append(contentsOf: names)
            templateLoopBindings.append(names.count)
        default:
            offset = keywordStart
            throw error(
                keyword.isEmpty ? "expected a template directive after `%{`" : "unknown template directive `\(keyword)`",
                hint: "directives are `if`, `else`, `endif`, `for` and `endfor`; write `%%{` for a literal `%{`")
        }
        skipSpace()
        let stripAfter = consume("~")
        guard consume("}") else {
            throw error("expected `}` to close the `%{` at \(location.lineColumn), found \(describeHere())")
        }
        return .directive(directive, location: location, stripBefore: stripBefore, stripAfter: stripAfter)
    }

    /// Counts one more open `if` or `for` directive, failing once they nest too deeply.
    private mutating func openDirective(at location: SourceLocation) throws(ExpressionError) {
        openDirectives += 1
        guard openDirectives <= Self.maximumDepth else {
            throw ExpressionError(at: location, "template directives nested more than \(Self.maximumDepth) deep")
        }
    }

    /// Applies `~` strip markers: a marker removes the whitespace of the literal text next to it.
    private func applyStripMarkers(_ tokens: inout [TemplateToken]) {
        for index in tokens.indices {
            let (before, after) = tokens[index].strips
            if before, index > 0, case .literal(let text) = tokens[index - 1] {
                tokens[index - 1] = .literal(String(text.reversed().drop { $0.isWhitespace }.reversed()))
            }
            if after, index + 1 < tokens.count, case .literal(let text) = tokens[index + 1] {
                tokens[index + 1] = .literal(String(text.drop { $0.isWhitespace }))
            }
        }
    }

    private enum Closer { case elseBranch, endIf, endFor }

    /// Nests directive bodies; stops before a closer in `until` and returns the parts before it.
    private func nest(_ tokens: [TemplateToken], from index: inout Int, until closers: Set<Closer>) throws(ExpressionError)
        -> [Template.Part]
    {
        var parts: [Template.Part] = []
        while index < tokens.count {
            switch tokens[index] {
            case .literal(let text):
                if !text.isEmpty { parts.append(.literal(Self.normalized(text))) }
                index += 1
            case .interpolation(let expression, _, _):
                parts.append(.interpolation(expression))
                index += 1
            case .directive(let directive, let location, _, _):
                switch directive {
                case .ifStart(let condition):
                    index += 1
                    let then = try nest(tokens, from: &index, until: [.elseBranch, .endIf])
                    var otherwise: [Template.Part] = []
                    if index < tokens.count, case .directive(.elseBranch, _, _, _) = tokens[index] {
                        index += 1
                        otherwise = try nest(tokens, from: &index, until: [.endIf])
                    }
                    guard index < tokens.count, case .directive(.endIf, _, _, _) = tokens[index] else {
                        throw ExpressionError(
                            at: location, "`%{ if }` has no matching `%{ endif }`", hint: "close it with `%{ endif }`")
                    }
                    index += 1
                    parts.append(.conditional(condition, then: then, otherwise: otherwise, location: condition.location))
                case .forStart(let keyName, let valueName, let collection):
                    index += 1
                    let body = try nest(tokens, from: &index, until: [.endFor])
                    guard index < tokens.count, case .directive(.endFor, _, _, _) = tokens[index] else {
                        throw ExpressionError(
                            at: location, "`%{ for }` has no matching `%{ endfor }`", hint: "close it with `%{ endfor }`")
                    }
                    index += 1
                    parts.append(
                        .loop(keyName: keyName, valueName: valueName, collection: collection, body: body, location: location))
                case .elseBranch, .endIf, .endFor:
                    let closer: Closer =
                        switch directive {
                        case .elseBranch: .elseBranch
                        case .endIf: .endIf
                        default: .endFor
                        }
                    if closers.contains(closer) { return parts }
                    let name =
                        switch closer {
                        case .elseBranch: "else"
                        case .endIf: "endif"
                        case .endFor: "endfor"
                        }
                    let opener = closer == .endFor ? "%{ for }" : "%{ if }"
                    throw ExpressionError(
                        at: location, "`%{ \(name) }` without a matching `\(opener)`",
                        hint: closers.isEmpty ? nil : "an open directive must be closed first")
                }
            }
        }
        return parts
    }

    /// Literal text in Unicode normalization form C, as Terraform reads string literals.
    private static func normalized(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        return text.precomposedStringWithCanonicalMapping
    }

    /// One backslash escape of a quoted string; the offset is at the backslash.
    private mutating func escapeSequence() throws(ExpressionError) -> String {
        let start = offset
        offset += 1
        guard offset < scalars.count else { throw ExpressionError(at: locator.location(at: start), "unterminated string") }
        let scalar = scalars[offset]
        offset += 1
        switch scalar {
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = scalar == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<count {
                guard offset < scalars.count, let digit = Self.hexValue(scalars[offset]) else {
                    throw ExpressionError(
                        at: locator.location(at: start), "invalid escape `\\\(scalar)`: expected \(count) hex digits",
                        hint: scalar == "u" ? "write `\\u00e9`" : "write `\\U0001F600`")
                }
                value = value * 16 + digit
                offset += 1
            }
            guard let result = Unicode.Scalar(value) else {
                throw ExpressionError(at: locator.location(at: start), "invalid escape: U+\(String(value, radix: 16, uppercase: true)) is not a character")
            }
            return String(Character(result))
        default:
            throw ExpressionError(
                at: locator.location(at: start), "invalid escape sequence `\\\(scalar)`",
                hint: "escapes are `\\n`, `\\r`, `\\t`, `\\\"`, `\\\\`, `\\uNNNN` and `\\UNNNNNNNN`")
        }
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    // MARK: Expressions

    mutating func parseExpression() throws(ExpressionError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("expression nested too deeply") }
        skipSpace()
        let condition = try parseBinary(minimum: 1)
        skipSpace()
        guard peek(0) == "?" else { return condition }
        offset += 1
        let whenTrue = try parseExpression()
        skipSpace()
        guard consume(":") else {
            throw error("expected `:` in the conditional, found \(describeHere())", hint: "write `condition ? a : b`")
        }
        let whenFalse = try parseExpression()
        return .conditional(condition, whenTrue: whenTrue, whenFalse: whenFalse)
    }

    private mutating func parseBinary(minimum: Int) throws(ExpressionError) -> Expression {
        var lhs = try parseUnary()
        let chainedBefore = chained
        defer { chained = chainedBefore }
        while true {
            skipSpace()
            guard let (op, length) = binaryOperator(), op.precedence >= minimum else { return lhs }
            let location = locator.location(at: offset)
            try chain()
            offset += length
            let rhs = try parseBinary(minimum: op.precedence + 1)
            lhs = .binary(op, lhs, rhs, location: location)
        }
    }

    private func binaryOperator() -> (Expression.BinaryOperator, Int)? {
        guard let first = peek(0) else { return nil }
        let second = peek(1)
        switch first {
        case "|": return second == "|" ? (.or, 2) : nil
        case "&": return second == "&" ? (.and, 2) : nil
        case "=": return second == "=" ? (.equal, 2) : nil
        case "!": return second == "=" ? (.notEqual, 2) : nil
        case "<": return second == "=" ? (.lessOrEqual, 2) : (second == "<" ? nil : (.less, 1))
        case ">": return second == "=" ? (.greaterOrEqual, 2) : (.greater, 1)
        case "+": return (.add, 1)
        case "-": return (.subtract, 1)
        case "*": return (.multiply, 1)
        case "/": return (.divide, 1)
        case "%": return (.modulo, 1)
        default: return nil
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        skipSpace()
        let location = locator.location(at: offset)
        let op: Expression.UnaryOperator? =
            if peek(0) == "-" { .negate } else if peek(0) == "!" && peek(1) != "=" { .not } else { nil }
        guard let op else { return try parseSteps(on: try parsePrimary()) }
        offset += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("expression nested too deeply") }
        return .unary(op, try parseUnary(), location: location)
    }

    /// Counts one more link of a chain, failing once there are too many.
    private mutating func chain() throws(ExpressionError) {
        chained += 1
        guard chained <= Self.maximumChain else {
            throw error("expression too long: more than \(Self.maximumChain) operators or steps in a row",
                hint: "split it into variables or locals")
        }
    }

    /// Attribute access, indexing and splats after `base`. A splat takes the steps after it as what applies to each
    /// element: every step after `[*]`, only the attribute steps after `.*` (`attributesOnly`, for the legacy form).
    private mutating func parseSteps(on base: Expression, attributesOnly: Bool = false) throws(ExpressionError) -> Expression {
        var each = base
        let chainedBefore = chained
        defer { chained = chainedBefore }
        while true {
            let save = offset
            skipSpace()
            try chain()
            if attributesOnly {
                guard peek(0) == ".", peek(1) != "*", let step = try parseStep(on: each) else {
                    offset = save
                    return each
                }
                each = step
            } else if (peek(0) == "." && peek(1) == "*") || isFullSplat() {
                let location = locator.location(at: offset)
                let attributeSplat = peek(0) == "."
                if attributeSplat { offset += 2 } else { consumeFullSplat() }
                let inner = try parseSteps(on: .splatItem(location), attributesOnly: attributeSplat)
                each = .splat(each, each: inner, location: location)
            } else if let step = try parseStep(on: each) {
                each = step
            } else {
                offset = save
                return each
            }
        }
    }

    /// One `.name`, `.0` or `[key]` step, or nil when none follows.
    private mutating func parseStep(on base: Expression) throws(ExpressionError) -> Expression? {
        if peek(0) == "." && peek(1) != "." {
            let dot = offset
            offset += 1
            let location = locator.location(at: offset)
            if let scalar = peek(0), ("0"..."9").contains(scalar) {
                // The legacy index `x.0`; like Terraform, `x.0.1` reads `0.1` as one number and is refused.
                guard case .literal(.number(let number), _) = try self.number(), number.isInteger else {
                    throw ExpressionError(
                        at: location, "invalid legacy index: write each index in brackets, like `[0][1]`")
                }
                return .index(base, key: .literal(.number(number), location), location: location)
            }
            guard let name = identifier() else {
                offset = dot
                throw error("expected an attribute name after `.`, found \(describeAfterDot())")
            }
            if case .reference(var reference) = base {
                reference.path.append(name)
                reference.segmentLocations.append(location)
                return .reference(reference)
            }
            return .attribute(base, name: name, location: location)
        }
        if peek(0) == "[" {
            offset += 1
            skipSpace()
            let location = locator.location(at: offset)
            if peek(0) == "]" { throw error("expected an index inside `[]`") }
            let key = try parseExpression()
            skipSpace()
            guard consume("]") else { throw error("expected `]` after the index, found \(describeHere())") }
            return .index(base, key: key, location: location)
        }
        return nil
    }

    private func isFullSplat() -> Bool {
        guard peek(0) == "[" else { return false }
        var probe = offset + 1
        while probe < scalars.count, scalars[probe] == " " || scalars[probe] == "\t" { probe += 1 }
        guard probe < scalars.count, scalars[probe] == "*" else { return false }
        probe += 1
        while probe < scalars.count, scalars[probe] == " " || scalars[probe] == "\t" { probe += 1 }
        return probe < scalars.count && scalars[probe] == "]"
    }

    private mutating func consumeFullSplat() {
        while offset < scalars.count, scalars[offset] != "]" { offset += 1 }
        offset += 1
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        skipSpace()
        let start = offset
        let location = locator.location(at: offset)
        guard let scalar = peek(0) else { throw error("expected an expression, found the end of the text") }
        switch scalar {
        case "0"..."9":
            return try number()
        case "\"":
            offset += 1
            let parts = try parseTemplate(quoted: true, start: start)
            let text = String(String.UnicodeScalarView(scalars[(start + 1)..<max(start + 1, offset - 1)]))
            let template = Template(parts: parts, location: location, text: text)
            if template.isLiteral { return .literal(.string(template.literalText), location) }
            return .template(template)
        case "(":
            offset += 1
            let inner = try parseExpression()
            skipSpace()
            guard consume(")") else { throw error("expected `)`, found \(describeHere())") }
            return .parenthesized(inner, location: location)
        case "[":
            offset += 1
            skipSpace()
            if isKeyword("for") { return try forExpression(object: false, location: location) }
            var items: [Expression] = []
            while true {
                skipSpace()
                if consume("]") { break }
                items.append(try parseExpression())
                skipSpace()
                if consume(",") { continue }
                if consume("]") { break }
                throw error("expected `,` or `]` in the list, found \(describeHere())")
            }
            return .tuple(items, location: location)
        case "{":
            offset += 1
            skipSpace()
            if isKeyword("for") { return try forExpression(object: true, location: location) }
            return try objectConstructor(location: location)
        case "<" where peek(1) == "<":
            return try heredoc()
        default:
            guard let name = identifier() else { throw error("expected an expression, found \(describeHere())") }
            switch name {
            case "true": return .literal(.bool(true), location)
            case "false": return .literal(.bool(false), location)
            case "null": return .literal(.null(.dynamic), location)
            default: break
            }
            let save = offset
            skipSpace()
            if peek(0) == ":" && peek(1) == ":" {
                throw ExpressionError(
                    at: location, "provider functions such as `\(name)::…` are not available in manifests")
            }
            if peek(0) == "(" {
                offset += 1
                return try call(name, location: location)
            }
            offset = save
            if locals.contains(name) { return .local(name, location) }
            return .reference(Reference(path: [name], location: location, segmentLocations: [location]))
        }
    }

    /// `<<EOT` (or `<<-EOT`, which removes the lines' common indentation), a line break, template lines, and a
    /// line holding only `EOT`.
    private mutating func heredoc() throws(ExpressionError) -> Expression {
        let start = offset
        let location = locator.location(at: start)
        offset += 2
        let indented = consume("-")
        guard let marker = identifier() else {
            throw error("expected a heredoc marker such as `EOT` after `<<`, found \(describeHere())")
        }
        _ = consume("\r")
        guard consume("\n") else {
            throw error("expected a line break after `<<\(indented ? "-" : "")\(marker)`, found \(describeHere())")
        }
        let contentStart = offset
        var lineStart = offset
        var closing: (start: Int, end: Int)?
        while lineStart <= scalars.count {
            var lineEnd = lineStart
            while lineEnd < scalars.count, scalars[lineEnd] != "\n" { lineEnd += 1 }
            let line = String(String.UnicodeScalarView(scalars[lineStart..<lineEnd]))
            if line.trimmingCharacters(in: .whitespaces) == marker {
                closing = (lineStart, lineEnd)
                break
            }
            lineStart = lineEnd + 1
        }
        guard let closing else {
            throw ExpressionError(
                at: location, "unterminated heredoc: no line holds only `\(marker)`", hint: "end it with a line `\(marker)`")
        }
        var content = Array(scalars[contentStart..<closing.start])
        if indented { content = Self.removingCommonIndentation(content) }
        var inner = ExpressionParser(scalars: content, origin: locator.location(at: contentStart))
        inner.locals = locals
        inner.depth = depth
        let parts = try inner.parseTemplate(quoted: false, start: 0)
        offset = closing.end
        let template = Template(parts: parts, location: location, text: String(String.UnicodeScalarView(content)))
        if template.isLiteral { return .literal(.string(template.literalText), location) }
        return .template(template)
    }

    /// The lines with the smallest indentation of their non-blank lines removed (`<<-`).
    private static func removingCommonIndentation(_ content: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let indents = lines.compactMap { line -> Int? in
            let width = line.prefix { $0 == " " || $0 == "\t" }.count
            return width == line.count ? nil : width
        }
        let common = indents.min() ?? 0
        var result: [Unicode.Scalar] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { result.append("\n") }
            result.append(contentsOf: line.dropFirst(min(common, line.prefix { $0 == " " || $0 == "\t" }.count)))
        }
        return result
    }

    private mutating func number() throws(ExpressionError) -> Expression {
        let start = offset
        let location = locator.location(at: offset)
        func digits() { while let scalar = peek(0), ("0"..."9").contains(scalar) { offset += 1 } }
        digits()
        if peek(0) == ".", let next = peek(1), ("0"..."9").contains(next) {
            offset += 1
            digits()
        }
        if peek(0) == "e" || peek(0) == "E" {
            let save = offset
            offset += 1
            if peek(0) == "+" || peek(0) == "-" { offset += 1 }
            if let next = peek(0), ("0"..."9").contains(next) { digits() } else { offset = save }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<offset]))
        guard let number = Number(parsing: text) else {
            throw ExpressionError(at: location, "number `\(text)` is out of range")
        }
        return .literal(.number(number), location)
    }

    private mutating func call(_ name: String, location: SourceLocation) throws(ExpressionError) -> Expression {
        var arguments: [Expression] = []
        var expandFinal = false
        while true {
            skipSpace()
            if consume(")") { break }
            arguments.append(try parseExpression())
            skipSpace()
            if peek(0) == "." && peek(1) == "." && peek(2) == "." {
                offset += 3
                expandFinal = true
                skipSpace()
                guard consume(")") else { throw error("expected `)` after `...`: only the last argument can be expanded") }
                break
            }
            if consume(",") { continue }
            if consume(")") { break }
            throw error("expected `,` or `)` in the call to `\(name)`, found \(describeHere())")
        }
        return .call(name: name, arguments: arguments, expandFinal: expandFinal, location: location)
    }

    private mutating func objectConstructor(location: SourceLocation) throws(ExpressionError) -> Expression {
        var items: [Expression.ObjectItem] = []
        while true {
            skipSpace()
            if consume("}") { break }
            var key: Expression
            if let bare = bareKey() {
                key = bare
            } else {
                key = try parseExpression()
            }
            switch key {
            case .reference(let reference) where reference.path.count == 1:
                key = .literal(.string(reference.path[0]), reference.location)
            case .local(let name, let keyLocation):
                key = .literal(.string(name), keyLocation)
            default:
                break
            }
            skipSpace()
            guard consume("=") || consume(":") else {
                throw error("expected `=` after the object key, found \(describeHere())", hint: "write `{ key = value }`")
            }
            let value = try parseExpression()
            items.append(Expression.ObjectItem(key: key, value: value))
            // Items are separated by commas or newlines.
            var sawNewline = false
            while let scalar = peek(0), scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                if scalar == "\n" { sawNewline = true }
                offset += 1
            }
            skipSpace()
            if consume(",") || sawNewline { continue }
            if consume("}") { break }
            throw error("expected `,` or `}` in the object, found \(describeHere())")
        }
        return .object(items, location: location)
    }

    /// A key written as a bare identifier, keywords included (`{null = 1}` has the key "null"), when `=` or `:`
    /// follows it; otherwise nil with the offset unchanged.
    private mutating func bareKey() -> Expression? {
        let start = offset
        let location = locator.location(at: offset)
        guard let name = identifier() else { return nil }
        var probe = offset
        while probe < scalars.count, scalars[probe] == " " || scalars[probe] == "\t" { probe += 1 }
        if probe < scalars.count, scalars[probe] == ":" || (scalars[probe] == "=" && (probe + 1 >= scalars.count || scalars[probe + 1] != "=" && scalars[probe + 1] != ">")) {
            return .literal(.string(name), location)
        }
        offset = start
        return nil
    }

    private mutating func forExpression(object: Bool, location: SourceLocation) throws(ExpressionError) -> Expression {
        _ = identifier()  // `for`
        let (keyName, valueName) = try loopNames()
        let collection = try parseExpression()
        skipSpace()
        guard consume(":") else { throw error("expected `:` after the collection of the `for`, found \(describeHere())") }
        locals.append(contentsOf: [keyName, valueName].compactMap { $0 })
        defer { locals.removeLast(keyName == nil ? 1 : 2) }
        var key: Expression?
        if object {
            key = try parseExpression()
            skipSpace()
            guard peek(0) == "=" && peek(1) == ">" else {
                throw error("expected `=>` after the key of an object `for`, found \(describeHere())", hint: "write `{for k, v in m : k => v}`")
            }
            offset += 2
        }
        let value = try parseExpression()
        skipSpace()
        var grouping = false
        if object && peek(0) == "." && peek(1) == "." && peek(2) == "." {
            offset += 3
            grouping = true
            skipSpace()
        }
        var condition: Expression?
        if isKeyword("if") {
            _ = identifier()
            condition = try parseExpression()
            skipSpace()
        }
        let closer: Unicode.Scalar = object ? "}" : "]"
        guard consume(closer) else { throw error("expected `\(closer)` to end the `for` expression, found \(describeHere())") }
        return .forExpression(
            ForExpression(
                keyName: keyName, valueName: valueName, collection: collection, key: key, value: value,
                condition: condition, grouping: grouping, location: location))
    }

    /// `k, v in` or `v in` after `for`; leaves the offset after `in`.
    private mutating func loopNames() throws(ExpressionError) -> (String?, String) {
        skipSpace()
        guard let first = identifier() else { throw error("expected a variable name after `for`, found \(describeHere())") }
        skipSpace()
        var keyName: String?
        var valueName = first
        if consume(",") {
            skipSpace()
            guard let second = identifier() else { throw error("expected a second variable name after `,`, found \(describeHere())") }
            keyName = first
            valueName = second
            skipSpace()
        }
        guard isKeyword("in") else { throw error("expected `in` in the `for`, found \(describeHere())", hint: "write `for x in collection`") }
        _ = identifier()
        return (keyName, valueName)
    }

    // MARK: Characters

    private func peek(_ distance: Int) -> Unicode.Scalar? {
        let index = offset + distance
        return index < scalars.count ? scalars[index] : nil
    }

    private mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        guard peek(0) == scalar else { return false }
        offset += 1
        return true
    }

    /// Skips white space and comments (`#`, `//` to the end of the line; `/* */`).
    private mutating func skipSpace() {
        while let scalar = peek(0) {
            switch scalar {
            case " ", "\t", "\r", "\n":
                offset += 1
            case "#":
                while let next = peek(0), next != "\n" { offset += 1 }
            case "/" where peek(1) == "/":
                while let next = peek(0), next != "\n" { offset += 1 }
            case "/" where peek(1) == "*":
                offset += 2
                while offset < scalars.count, !(scalars[offset] == "*" && peek(1) == "/") { offset += 1 }
                offset = min(offset + 2, scalars.count)
            default:
                return
            }
        }
    }

    /// An identifier (letters, digits, `_` and `-`, not starting with a digit or `-`), or nil.
    private mutating func identifier() -> String? {
        guard let first = peek(0), first == "_" || first.properties.isXIDStart else { return nil }
        var name = String.UnicodeScalarView()
        while let scalar = peek(0), scalar == "_" || scalar == "-" || scalar.properties.isXIDContinue {
            name.append(scalar)
            offset += 1
        }
        return String(name)
    }

    /// Whether the identifier `word` (and not a longer one) starts here.
    private func isKeyword(_ word: String) -> Bool {
        var index = offset
        for scalar in word.unicodeScalars {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
        }
        guard index < scalars.count else { return true }
        let next = scalars[index]
        return !(next == "_" || next == "-" || next.properties.isXIDContinue)
    }

    private func describeHere() -> String {
        guard let scalar = peek(0) else { return "the end of the text" }
        if scalar == "\n" { return "a line break" }
        return "`\(Character(scalar))`"
    }

    private func describeAfterDot() -> String {
        guard offset + 1 < scalars.count else { return "the end of the text" }
        return "`\(Character(scalars[offset + 1]))`"
    }

    private func error(_ message: String, hint: String? = nil) -> ExpressionError {
        ExpressionError(at: locator.location(at: min(offset, scalars.count)), message, hint: hint)
    }
}
