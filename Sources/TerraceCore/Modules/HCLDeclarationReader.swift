/// Reads the `variable` and `output` blocks of one HCL (`.tf`) file into ``ModuleDeclarations``.
///
/// Only the file's top-level structure is parsed: blocks other than `variable` and `output` are
/// skipped by bracket matching, and only the attributes directly inside a `variable` or `output`
/// block are looked at. Every problem becomes a diagnostic; reading never fails.
struct HCLDeclarationReader {
    /// An attribute (`name = expression`) directly inside a block.
    private struct Attribute {
        /// The attribute's name token.
        var nameToken: HCLToken
        /// The index of the expression's first token.
        var first: Int
        /// The index just past the expression's last token.
        var end: Int
    }

    private let path: String
    private let bytes: [UInt8]
    private let tokens: [HCLToken]
    private let endOfFile: HCLToken
    private var index = 0
    private var declarations = ModuleDeclarations()

    /// Scans a file's text, ready to ``read()``.
    init(contents: String, path: String) {
        self.path = path
        bytes = Array(contents.utf8)
        var scanner = HCLScanner(bytes: bytes, path: path)
        scanner.scan()
        tokens = scanner.tokens
        endOfFile = scanner.tokens.last
            ?? HCLToken(kind: .endOfFile, start: bytes.count, end: bytes.count, line: 1, column: 1)
        declarations.diagnostics = scanner.diagnostics
    }

    /// Reads the file's declarations, with its diagnostics ordered by location.
    mutating func read() -> ModuleDeclarations {
        index = 0
        while true {
            skipNewlines()
            let token = current
            switch token.kind {
            case .endOfFile:
                declarations.diagnostics = declarations.diagnostics.sortedByLocation()
                return declarations
            case .closeBrace, .closeBracket, .closeParen:
                report(at: token, "unexpected `\(text(of: token))`")
                index += 1
            case .identifier:
                readTopLevelItem()
            default:
                report(at: token, "unexpected \(describe(token)); expected a block or an argument")
                skipExpression()
            }
        }
    }

    // MARK: - Tokens

    private var current: HCLToken { token(at: index) }

    private func token(at position: Int) -> HCLToken {
        position >= 0 && position < tokens.count ? tokens[position] : endOfFile
    }

    /// The source text of the tokens from `first` up to (not including) `end`.
    private func text(from first: Int, to end: Int) -> String {
        guard end > first else { return "" }
        let start = min(max(token(at: first).start, 0), bytes.count)
        let stop = min(max(token(at: end - 1).end, start), bytes.count)
        return String(decoding: bytes[start..<stop], as: UTF8.self)
    }

    private func text(of token: HCLToken) -> String {
        let start = min(max(token.start, 0), bytes.count)
        let stop = min(max(token.end, start), bytes.count)
        return String(decoding: bytes[start..<stop], as: UTF8.self)
    }

    /// Whether the token is the identifier `word`, compared without building a string.
    private func token(_ token: HCLToken, is word: StaticString) -> Bool {
        guard token.kind == .identifier, token.end - token.start == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { buffer in
            var position = token.start
            for byte in buffer {
                guard position < bytes.count, bytes[position] == byte else { return false }
                position += 1
            }
            return true
        }
    }

    /// A short description of a token for messages.
    private func describe(_ token: HCLToken) -> String {
        switch token.kind {
        case .endOfFile: return "end of file"
        case .newline: return "end of line"
        case .string: return "string"
        case .heredoc: return "heredoc"
        default:
            let spelled = text(of: token)
            return "`\(spelled.count > 24 ? String(spelled.prefix(24)) + "…" : spelled)`"
        }
    }

    private mutating func skipNewlines() {
        while current.kind == .newline { index += 1 }
    }

    private func location(of token: HCLToken) -> SourceLocation {
        SourceLocation(file: path, line: token.line, column: token.column)
    }

    private mutating func report(at token: HCLToken, _ message: String, hint: String? = nil) {
        declarations.diagnostics.append(.error(location(of: token), message, hint: hint))
    }

    /// Reports each of the `openers` as never closed.
    private mutating func reportUnclosed(_ openers: some Sequence<HCLToken>) {
        for opener in openers {
            let spelled = text(of: opener)
            let closer = opener.kind == .openBrace ? "}" : opener.kind == .openBracket ? "]" : ")"
            report(at: opener, "unclosed `\(spelled)` opened at line \(opener.line)", hint: "add the matching `\(closer)`")
        }
    }

    // MARK: - Structure

    /// Reads an item at the top of the file, starting at its identifier: an argument or a block.
    private mutating func readTopLevelItem() {
        let keyword = current
        index += 1
        if current.kind == .equals {
            index += 1
            if current.kind == .newline || current.kind == .endOfFile {
                report(at: current, "expected a value after `\(text(of: keyword)) =`")
            }
            skipExpression()
            return
        }
        var labels: [HCLToken] = []
        while current.kind == .string || current.kind == .identifier {
            labels.append(current)
            index += 1
        }
        guard current.kind == .openBrace else {
            reportMissingBrace(after: keyword, labels: labels)
            skipExpression()
            return
        }
        let open = current
        index += 1
        if token(keyword, is: "variable") {
            readVariable(keyword: keyword, labels: labels, open: open)
        } else if token(keyword, is: "output") {
            readOutput(keyword: keyword, labels: labels, open: open)
        } else {
            skipBalanced(from: [open], untilNewline: false)
        }
    }

    private mutating func reportMissingBrace(after keyword: HCLToken, labels: [HCLToken]) {
        let found = current
        if labels.isEmpty {
            report(at: found, "expected `=` or `{` after `\(text(of: keyword))`, found \(describe(found))")
        } else {
            report(at: found, "expected `{` to open the `\(text(of: keyword))` block, found \(describe(found))")
        }
    }

    /// The name a `variable` or `output` block declares: its single label, or nil (with a diagnostic).
    private mutating func blockName(keyword: HCLToken, labels: [HCLToken], noun: String) -> String? {
        let kind = text(of: keyword)
        guard let label = labels.first else {
            report(at: keyword, "`\(kind)` block has no label; expected the \(noun)'s name", hint: "write `\(kind) \"name\" { … }`")
            return nil
        }
        if labels.count > 1, let extra = labels.dropFirst().first {
            report(at: extra, "`\(kind)` block has more than one label; only the \(noun)'s name is expected")
        }
        let name = label.kind == .string ? (label.value ?? "") : text(of: label)
        if name.isEmpty {
            report(at: label, "`\(kind)` block has an empty name")
            return nil
        }
        return name
    }

    private mutating func readVariable(keyword: HCLToken, labels: [HCLToken], open: HCLToken) {
        let name = blockName(keyword: keyword, labels: labels, noun: "variable")
        let attributes = readBlockAttributes(open: open)
        guard let name else { return }
        var variable = VariableDeclaration(name: name, location: location(of: keyword))
        variable.hasDefault = attributes["default"] != nil
        if let type = attributes["type"] {
            // Tokens carry no surrounding whitespace, so the text is already trimmed.
            let source = text(from: type.first, to: type.end)
            variable.type = source.isEmpty ? nil : source
        }
        variable.description = attributes["description"].flatMap(literalString)
        variable.sensitive = attributes["sensitive"].map { isKeyword($0, "true") } ?? false
        variable.nullable = !(attributes["nullable"].map { isKeyword($0, "false") } ?? false)
        declarations.add(variable)
    }

    private mutating func readOutput(keyword: HCLToken, labels: [HCLToken], open: HCLToken) {
        let name = blockName(keyword: keyword, labels: labels, noun: "output")
        let attributes = readBlockAttributes(open: open)
        guard let name else { return }
        var output = OutputDeclaration(name: name, location: location(of: keyword))
        output.description = attributes["description"].flatMap(literalString)
        output.sensitive = attributes["sensitive"].map { isKeyword($0, "true") } ?? false
        declarations.add(output)
    }

    /// The text of an attribute whose expression is a single string or heredoc; nil otherwise.
    private func literalString(_ attribute: Attribute) -> String? {
        guard attribute.end - attribute.first == 1 else { return nil }
        let token = token(at: attribute.first)
        guard token.kind == .string || token.kind == .heredoc else { return nil }
        return token.value
    }

    /// Whether an attribute's expression is exactly the identifier `word`.
    private func isKeyword(_ attribute: Attribute, _ word: StaticString) -> Bool {
        attribute.end - attribute.first == 1 && token(token(at: attribute.first), is: word)
    }

    /// Reads a block's body after its `{` up to and including its `}`, returning the attributes
    /// directly inside it; nested blocks are skipped.
    private mutating func readBlockAttributes(open: HCLToken) -> [String: Attribute] {
        var attributes: [String: Attribute] = [:]
        while true {
            skipNewlines()
            let token = current
            switch token.kind {
            case .endOfFile:
                reportUnclosed([open])
                return attributes
            case .closeBrace:
                index += 1
                return attributes
            case .closeBracket, .closeParen:
                report(at: token, "unexpected `\(text(of: token))`")
                index += 1
            case .identifier:
                index += 1
                if current.kind == .equals {
                    let equals = current
                    index += 1
                    let first = index
                    skipExpression()
                    let name = text(of: token)
                    if index == first {
                        report(at: equals, "expected a value after `\(name) =`")
                    } else if let previous = attributes[name] {
                        report(at: token, "duplicate argument `\(name)`; first set at line \(previous.nameToken.line)")
                    } else {
                        attributes[name] = Attribute(nameToken: token, first: first, end: index)
                    }
                } else {
                    var labels: [HCLToken] = []
                    while current.kind == .string || current.kind == .identifier {
                        labels.append(current)
                        index += 1
                    }
                    if current.kind == .openBrace {
                        let nestedOpen = current
                        index += 1
                        skipBalanced(from: [nestedOpen], untilNewline: false)
                    } else {
                        reportMissingBrace(after: token, labels: labels)
                        skipExpression()
                    }
                }
            default:
                report(at: token, "unexpected \(describe(token)); expected an argument or a block")
                skipExpression()
            }
        }
    }

    /// Skips an expression: up to a newline outside brackets, a `}` that closes the enclosing
    /// block, or the end of the file (none of which is consumed).
    private mutating func skipExpression() {
        skipBalanced(from: [], untilNewline: true)
    }

    /// Skips tokens while tracking brackets, starting with `openers` already open.
    ///
    /// With `untilNewline`, stops before a newline outside brackets or before a `}` that no open
    /// bracket matches; otherwise stops after the bracket that closes the last of `openers`.
    /// A closing bracket that skips over open ones reports those as unclosed; one that matches
    /// nothing is reported as unexpected.
    private mutating func skipBalanced(from openers: [HCLToken], untilNewline: Bool) {
        var stack = openers
        // How many of each opener the stack holds, so a closer with no match costs no search:
        // every search then pops what it passes over, which keeps the whole skip linear.
        var openCounts: [HCLToken.Kind: Int] = [:]
        for opener in openers { openCounts[opener.kind, default: 0] += 1 }
        while true {
            let token = current
            switch token.kind {
            case .endOfFile:
                reportUnclosed(stack)
                return
            case .newline:
                if stack.isEmpty && untilNewline { return }
                index += 1
            case .openBrace, .openBracket, .openParen:
                stack.append(token)
                openCounts[token.kind, default: 0] += 1
                index += 1
            case .closeBrace, .closeBracket, .closeParen:
                if let opener = token.matchingOpener, openCounts[opener, default: 0] > 0,
                    let match = stack.lastIndex(where: { $0.kind == opener })
                {
                    reportUnclosed(stack[(match + 1)...])
                    for closed in stack[match...] { openCounts[closed.kind, default: 1] -= 1 }
                    stack.removeSubrange(match...)
                    index += 1
                    if stack.isEmpty && !untilNewline { return }
                } else if token.kind == .closeBrace && untilNewline {
                    reportUnclosed(stack)
                    return
                } else {
                    report(at: token, "unexpected `\(text(of: token))`")
                    index += 1
                }
            default:
                index += 1
            }
        }
    }
}
