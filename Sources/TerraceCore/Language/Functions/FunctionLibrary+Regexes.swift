import Foundation

/// Terraform's `regex` and `regexall`, and the regular-expression engine that they and `replace` share.
///
/// Terraform uses Go's RE2 syntax. `GoRegex` translates an RE2 pattern to ICU's syntax (the engine behind
/// `NSRegularExpression`) and reproduces Go's match iteration, so that patterns behave as in Terraform:
/// - `\d \w \s`, POSIX classes such as `[[:alpha:]]`, and `$` (end of text unless `(?m)`) keep RE2's ASCII and
///   line meanings; `.` excludes only "\n"; `\v` is a vertical tab; octal escapes; `\Q…\E`; `\pL`;
/// - named groups `(?P<n>…)` / `(?<n>…)` take RE2's names (with `_`), and a repeated name keeps the last group;
///   the `U` flag (ungreedy) is applied by swapping quantifier greediness; assertions may be repeated (`^*`);
/// - lookaround, backreferences, possessive quantifiers and the escapes RE2 lacks are rejected with Go's messages
///   (the common syntax errors carry Go's codes: missing closing ], unexpected ), invalid nested repetition
///   operator, invalid repeat count, ...);
/// - empty matches right after a match are skipped as in Go's `FindAll` and `ReplaceAll`; `replace` expands
///   `$1`, `${1}`, `$name`, `${name}` and `$$` as Go's `Expand` does.
///
/// Known differences from RE2: ICU backtracks (a pathological pattern can be slow where RE2 is linear);
/// case-insensitive matching uses ICU's full case folding (`(?i)strasse` matches "straße", not in RE2); a group
/// inside a repetition that can match empty (`(a*)*`) reports ICU's last, empty iteration where RE2 reports the
/// last non-empty one; `\b` uses ICU's word characters; Unicode property tables are ICU's; syntax errors that only
/// ICU detects get a generic "invalid or unsupported syntax" message.
extension FunctionLibrary {
    /// The regular-expression functions.
    static let regexes: [FunctionDefinition] = [
        FunctionDefinition("regex", [FunctionParameter("pattern", .string), FunctionParameter("string", .string)]) {
            args throws(FunctionError) in
            let regex = try compileForRegexFunction(try stringArgument(args, 0))
            let text = try stringArgument(args, 1)
            guard let match = regex.firstMatch(in: text) else {
                throw FunctionError("pattern did not match any part of the given string")
            }
            return regex.result(of: match)
        },
        FunctionDefinition("regexall", [FunctionParameter("pattern", .string), FunctionParameter("string", .string)]) {
            args throws(FunctionError) in
            let regex = try compileForRegexFunction(try stringArgument(args, 0))
            let text = try stringArgument(args, 1)
            return .list(regex.allMatches(in: text).map(regex.result(of:)), regex.resultType)
        },
    ]

    /// Compiles the pattern of `regex` / `regexall`, with cty's messages.
    private static func compileForRegexFunction(_ pattern: String) throws(FunctionError) -> GoRegex {
        let regex: GoRegex
        do throws(RegexSyntaxError) {
            regex = try GoRegex(pattern)
        } catch {
            throw argumentError(0, "pattern", "invalid regexp pattern: \(error.code) in \(error.expression)")
        }
        let names = regex.groupNames.dropFirst()
        if names.contains(""), names.contains(where: { !$0.isEmpty }) {
            throw argumentError(
                0, "pattern", "invalid regexp pattern: cannot mix both named and unnamed capture groups")
        }
        return regex
    }

    /// A syntax error in an RE2 pattern, with Go's error code and the offending part of the pattern.
    struct RegexSyntaxError: Error, Sendable, CustomStringConvertible {
        /// Go's `syntax.ErrorCode` text, e.g. "missing closing ]".
        var code: String
        /// The offending part of the pattern.
        var expression: String
        /// The message as Go's `regexp.Compile` words it.
        var description: String { "\(code): `\(expression)`" }
    }

    /// A compiled RE2 pattern with Go's matching and replacement rules.
    struct GoRegex {
        /// The capture group names, index 0 being the whole match; "" for unnamed groups.
        let groupNames: [String]
        private let expression: NSRegularExpression

        /// Compiles an RE2 pattern.
        init(_ pattern: String) throws(RegexSyntaxError) {
            var translator = PatternTranslator(pattern)
            let translated = try translator.translate()
            groupNames = translator.groupNames
            do {
                expression = try NSRegularExpression(pattern: translated, options: [.useUnixLineSeparators])
            } catch {
                throw RegexSyntaxError(code: "invalid or unsupported syntax", expression: pattern)
            }
            guard expression.numberOfCaptureGroups == groupNames.count - 1 else {
                throw RegexSyntaxError(code: "invalid or unsupported syntax", expression: pattern)
            }
        }

        /// One match: for each group (0 is the whole match), its range in the text's UTF-16 offsets, or nil when
        /// the group took no part.
        typealias Match = (text: NSString, groups: [NSRange?])

        /// The leftmost match starting at or after the UTF-16 offset `start`.
        private func match(in text: NSString, _ original: String, from start: Int) -> Match? {
            let range = NSRange(location: start, length: text.length - start)
            guard
                let result = expression.firstMatch(
                    in: original, options: [.withTransparentBounds, .withoutAnchoringBounds], range: range)
            else { return nil }
            let groups = (0..<result.numberOfRanges).map { index -> NSRange? in
                let group = result.range(at: index)
                return group.location == NSNotFound ? nil : group
            }
            return (text, groups)
        }

        /// The first match in `text` (Go's `FindStringSubmatchIndex`).
        func firstMatch(in text: String) -> Match? { match(in: text as NSString, text, from: 0) }

        /// ICU's successive matches over the whole text: the matches Go's loops find, plus an empty match right
        /// after each match, which Go's loops skip.
        private func successiveMatches(in text: String) -> [Match] {
            let string = text as NSString
            return expression.matches(in: text, options: [], range: NSRange(location: 0, length: string.length)).map {
                result in
                let groups = (0..<result.numberOfRanges).map { index -> NSRange? in
                    let group = result.range(at: index)
                    return group.location == NSNotFound ? nil : group
                }
                return (string, groups)
            }
        }

        /// Every match in `text` (Go's `FindAllStringSubmatchIndex`: no empty match right after a match).
        func allMatches(in text: String) -> [Match] {
            var matches: [Match] = []
            var previousEnd = -1
            for found in successiveMatches(in: text) {
                guard let whole = found.groups[0] else { continue }
                if !(whole.length == 0 && whole.location == previousEnd) { matches.append(found) }
                previousEnd = whole.upperBound
            }
            return matches
        }

        /// Go's `ReplaceAllString`: every match replaced by `template` with `$1`, `${1}`, `$name`, `${name}` and
        /// `$$` expanded, except an empty match right after a match.
        func replacingAll(in text: String, template: String) -> String {
            let string = text as NSString
            var result = ""
            var lastEnd = 0
            for found in successiveMatches(in: text) {
                guard let whole = found.groups[0] else { continue }
                result += string.substring(with: NSRange(location: lastEnd, length: whole.location - lastEnd))
                if whole.upperBound > lastEnd || whole.location == 0 {
                    result += expand(template, found)
                }
                lastEnd = whole.upperBound
            }
            if lastEnd < string.length { result += string.substring(from: lastEnd) }
            return result
        }

        /// The text of group `index` of a match, nil when the group took no part.
        private func group(_ index: Int, of match: Match) -> String? {
            guard index < match.groups.count, let range = match.groups[index] else { return nil }
            return match.text.substring(with: range)
        }

        /// Go's `Regexp.Expand`.
        private func expand(_ template: String, _ match: Match) -> String {
            var result = String.UnicodeScalarView()
            let scalars = Array(template.unicodeScalars)
            var index = 0
            while index < scalars.count {
                guard scalars[index] == "$" else {
                    result.append(scalars[index])
                    index += 1
                    continue
                }
                index += 1
                if index < scalars.count, scalars[index] == "$" {
                    result.append("$")
                    index += 1
                    continue
                }
                guard let (name, next) = Self.extractName(scalars, from: index) else {
                    result.append("$")
                    continue
                }
                index = next
                let value: String?
                if let number = Self.groupNumber(name) {
                    value = group(number, of: match)
                } else {
                    value = groupNames.firstIndex(of: name).flatMap { group($0, of: match) }
                }
                result.append(contentsOf: (value ?? "").unicodeScalars)
            }
            return String(result)
        }

        /// The name after a `$` (`name` or `{name}`) and the index after it; nil when malformed.
        private static func extractName(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
            var index = start
            let braced = index < scalars.count && scalars[index] == "{"
            if braced { index += 1 }
            let nameStart = index
            while index < scalars.count,
                isGoLetter(scalars[index]) || isGoDigit(scalars[index]) || scalars[index] == "_"
            {
                index += 1
            }
            guard index > nameStart else { return nil }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: scalars[nameStart..<index])
            if braced {
                guard index < scalars.count, scalars[index] == "}" else { return nil }
                index += 1
            }
            return (String(name), index)
        }

        /// A `$` name that is a group number (ASCII digits without a leading zero, below 10⁸).
        private static func groupNumber(_ name: String) -> Int? {
            guard name.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            if name.count > 1, name.hasPrefix("0") { return nil }
            guard name.count <= 9, let number = Int(name), number <= 100_000_000 else { return nil }
            return number
        }

        /// The type of a `regex` result: a string without groups, a tuple of strings for unnamed groups, an
        /// object of strings for named ones.
        var elementType: ValueType {
            let names = groupNames.dropFirst()
            if names.isEmpty { return .string }
            if names.allSatisfy(\.isEmpty) { return .tuple(names.map { _ in .string }) }
            return .object(Dictionary(names.map { ($0, .string) }, uniquingKeysWith: { first, _ in first }))
        }

        /// The element type of a `regexall` result.
        var resultType: ValueType { elementType }

        /// The value of one match, as `regex` gives it.
        func result(of match: Match) -> TypedValue {
            let names = groupNames.dropFirst()
            if names.isEmpty { return .string(group(0, of: match) ?? "") }
            let values = names.indices.map { index -> TypedValue in
                group(index, of: match).map(TypedValue.string) ?? .null(.string)
            }
            if names.allSatisfy(\.isEmpty) { return .tuple(values) }
            var attributes: [String: TypedValue] = [:]
            for (name, value) in zip(names, values) { attributes[name] = value }
            return .object(attributes)
        }
    }
}

/// Rewrites an RE2 pattern in ICU's syntax, collecting the capture group names.
private struct PatternTranslator {
    private let scalars: [Unicode.Scalar]
    private let pattern: String
    private var index = 0
    private var output = ""
    /// Group names, index 0 being the whole match.
    private(set) var groupNames: [String] = [""]
    /// Whether `(?m)` is in force, per open group.
    /// The flags that change the translation: `m` (multi-line `$`) and `U` (ungreedy), per open group.
    private struct Flags {
        var multiline = false
        var ungreedy = false
    }
    private var flagStack: [Flags] = []
    private var flags = Flags()

    init(_ pattern: String) {
        self.pattern = pattern
        scalars = Array(pattern.unicodeScalars)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private func text(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[max(0, range.lowerBound)..<min(scalars.count, range.upperBound)])
        return String(view)
    }

    private static let asciiClasses: [Unicode.Scalar: (body: String, negated: Bool)] = [
        "d": ("0-9", false), "D": ("0-9", true),
        "w": ("0-9A-Za-z_", false), "W": ("0-9A-Za-z_", true),
        "s": ("\\t\\n\\f\\r ", false), "S": ("\\t\\n\\f\\r ", true),
    ]

    private static let posixClasses: [String: String] = [
        "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x{0}-\\x{7F}", "blank": "\\t ",
        "cntrl": "\\x{0}-\\x{1F}\\x{7F}", "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
        "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\x{0B}\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_",
        "xdigit": "0-9A-Fa-f",
    ]

    /// Where the quantifier just translated starts, to reject a quantifier right after it.
    private var lastQuantifierStart: Int?

    /// The end of a repeat `{n}`, `{n,}` or `{n,m}` at the current index; nil when the brace is a literal.
    private func repeatSpecificationEnd() throws(FunctionLibrary.RegexSyntaxError) -> Int? {
        var end = index + 1
        func digits() -> Int? {
            let start = end
            var value = 0
            while end < scalars.count, ("0"..."9").contains(scalars[end]) {
                value = min(value * 10 + Int(scalars[end].value - 48), 100_000)
                end += 1
            }
            return end > start ? value : nil
        }
        guard let minimum = digits() else { return nil }
        var maximum: Int? = minimum
        if end < scalars.count, scalars[end] == "," {
            end += 1
            maximum = digits()
        }
        guard end < scalars.count, scalars[end] == "}" else { return nil }
        end += 1
        if minimum > 1000 || (maximum.map { $0 > 1000 || $0 < minimum } ?? false) {
            throw .init(code: "invalid repeat count", expression: text(index..<end))
        }
        return end
    }

    mutating func translate() throws(FunctionLibrary.RegexSyntaxError) -> String {
        var depth = 0
        var atomStart = true
        while let scalar = peek() {
            let isQuantifier = scalar == "*" || scalar == "+" || scalar == "?" || scalar == "{"
            if !isQuantifier { lastQuantifierStart = nil }
            switch scalar {
            case "\\":
                try translateEscape(inClass: false)
                atomStart = false
            case "[":
                try translateClass()
                atomStart = false
            case "(":
                if try translateGroupOpen() { depth += 1 }
                atomStart = true
            case ")":
                guard depth > 0 else {
                    throw .init(code: "unexpected )", expression: pattern)
                }
                depth -= 1
                flags = flagStack.popLast() ?? Flags()
                output += ")"
                index += 1
                atomStart = false
            case "$":
                // Assertions are wrapped so that RE2's `$*` stays valid for ICU.
                output += flags.multiline ? "(?:$)" : "(?:\\z)"
                index += 1
                atomStart = false
            case "*", "+", "?", "{":
                let start = index
                var end = index + 1
                if scalar == "{" {
                    guard let repeatEnd = try repeatSpecificationEnd() else {
                        output += "\\{"
                        index += 1
                        atomStart = false
                        lastQuantifierStart = nil
                        continue
                    }
                    end = repeatEnd
                }
                if atomStart {
                    throw .init(code: "missing argument to repetition operator", expression: text(start..<end))
                }
                if let previous = lastQuantifierStart {
                    throw .init(code: "invalid nested repetition operator", expression: text(previous..<end))
                }
                output += text(start..<end)
                index = end
                var lazy = false
                if peek() == "?" {
                    lazy = true
                    index += 1
                }
                if flags.ungreedy { lazy.toggle() }
                if lazy { output += "?" }
                lastQuantifierStart = start
                continue
            case "}":
                output += "\\}"
                index += 1
                atomStart = false
            case "|":
                output += "|"
                index += 1
                atomStart = true
            case "^":
                output += "(?:^)"
                index += 1
                atomStart = false
            default:
                output.unicodeScalars.append(scalar)
                index += 1
                atomStart = false
            }
        }
        guard depth == 0 else { throw .init(code: "missing closing )", expression: pattern) }
        return output.isEmpty ? "(?:)" : output
    }

    /// Translates a `(` construct; false for a scope-less flag group such as `(?i)`, which opens no group.
    private mutating func translateGroupOpen() throws(FunctionLibrary.RegexSyntaxError) -> Bool {
        let start = index
        index += 1
        flagStack.append(flags)
        guard peek() == "?" else {
            groupNames.append("")
            output += "("
            return true
        }
        let afterQuestion = peek(1)
        if afterQuestion == "P" || afterQuestion == "<" {
            if afterQuestion == "P", peek(2) != "<" {
                throw .init(code: "invalid or unsupported Perl syntax", expression: text(start..<(start + 3)))
            }
            if afterQuestion == "<", peek(2) == "=" || peek(2) == "!" {
                throw .init(code: "invalid or unsupported Perl syntax", expression: text(start..<(start + 4)))
            }
            let nameStart = index + (afterQuestion == "P" ? 3 : 2)
            var end = nameStart
            while end < scalars.count, scalars[end] != ">" { end += 1 }
            guard end < scalars.count else {
                throw .init(code: "invalid named capture", expression: text(start..<scalars.count))
            }
            let name = text(nameStart..<end)
            let valid =
                !name.isEmpty
                && name.unicodeScalars.allSatisfy {
                    $0 == "_" || ("0"..."9").contains($0) || ("a"..."z").contains($0) || ("A"..."Z").contains($0)
                }
            guard valid else { throw .init(code: "invalid named capture", expression: text(start..<(end + 1))) }
            groupNames.append(name)
            output += "("
            index = end + 1
            return true
        }
        // Flags: (?flags) or (?flags:...).
        var end = index + 1
        var negate = false
        var newFlags = flags
        var passed = ""
        while end < scalars.count, scalars[end] != ")", scalars[end] != ":" {
            switch scalars[end] {
            case "i", "s": passed.unicodeScalars.append(scalars[end])
            case "m":
                newFlags.multiline = !negate
                passed += "m"
            case "U": newFlags.ungreedy = !negate
            case "-" where !negate:
                negate = true
                passed += "-"
            default:
                throw .init(code: "invalid or unsupported Perl syntax", expression: text(start..<(end + 1)))
            }
            end += 1
        }
        guard end < scalars.count else { throw .init(code: "missing closing )", expression: pattern) }
        if scalars[end] == ")" {
            // (?flags) applies to the rest of the enclosing group; it opens no group of its own.
            _ = flagStack.popLast()
            flags = newFlags
            if passed != "", passed != "-" { output += "(?\(passed))" }
            index = end + 1
            return false
        }
        flags = newFlags
        output += passed == "-" ? "(?:" : "(?\(passed):"
        index = end + 1
        return true
    }

    private mutating func translateEscape(inClass: Bool) throws(FunctionLibrary.RegexSyntaxError) {
        let start = index
        index += 1
        guard let next = peek() else { throw .init(code: "trailing backslash at end of expression", expression: "") }
        index += 1
        if let ascii = Self.asciiClasses[next] {
            if inClass {
                output += ascii.negated ? "[^\(ascii.body)]" : ascii.body
            } else {
                output += ascii.negated ? "[^\(ascii.body)]" : "[\(ascii.body)]"
            }
            return
        }
        switch next {
        case "a", "f", "t", "n", "r", "x":
            output += "\\"
            output.unicodeScalars.append(next)
        case "v": output += "\\x{0B}"
        case "A", "b", "B", "z":
            guard !inClass else { throw .init(code: "invalid escape sequence", expression: text(start..<index)) }
            output += "(?:\\" + String(next) + ")"
        case "p", "P":
            if peek() == "{" {
                var end = index
                while end < scalars.count, scalars[end] != "}" { end += 1 }
                guard end < scalars.count else {
                    throw .init(code: "invalid character class range", expression: text(start..<scalars.count))
                }
                output += "\\" + String(next) + text(index..<(end + 1))
                index = end + 1
            } else if let letter = peek() {
                output += "\\" + String(next) + "{" + String(letter) + "}"
                index += 1
            } else {
                throw .init(code: "invalid character class range", expression: text(start..<index))
            }
        case "Q":
            var literal = String.UnicodeScalarView()
            while index < scalars.count {
                if scalars[index] == "\\", peek(1) == "E" {
                    index += 2
                    break
                }
                literal.append(scalars[index])
                index += 1
            }
            for scalar in literal { output += Self.escapedLiteral(scalar) }
        case "0"..."7":
            var value = next.value - 48
            var digits = 1
            if next != "0", !(peek().map { ("0"..."7").contains($0) } ?? false) {
                throw .init(code: "invalid escape sequence", expression: text(start..<index))
            }
            while digits < 3, let digit = peek(), ("0"..."7").contains(digit) {
                value = value * 8 + digit.value - 48
                digits += 1
                index += 1
            }
            output += "\\x{\(String(value, radix: 16))}"
        default:
            guard next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next) else {
                throw .init(code: "invalid escape sequence", expression: text(start..<index))
            }
            output += Self.escapedLiteral(next)
        }
    }

    private static func escapedLiteral(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar), scalar != " " {
            return "\\" + String(scalar)
        }
        return String(scalar)
    }

    private mutating func translateClass() throws(FunctionLibrary.RegexSyntaxError) {
        let start = index
        index += 1
        output += "["
        if peek() == "^" {
            output += "^"
            index += 1
        }
        var first = true
        while true {
            guard let scalar = peek() else {
                throw .init(code: "missing closing ]", expression: text(start..<scalars.count))
            }
            if scalar == "]", !first {
                output += "]"
                index += 1
                return
            }
            first = false
            switch scalar {
            case "\\":
                try translateEscape(inClass: true)
            case "[":
                if peek(1) == ":", let posix = posixClass() {
                    output += posix
                } else {
                    output += "\\["
                    index += 1
                }
            case "&":
                output += "\\&"
                index += 1
            case "-" where peek(1) == "-":
                output += "\\-"
                index += 1
            default:
                output.unicodeScalars.append(scalar)
                index += 1
            }
        }
    }

    /// A POSIX class `[:name:]` or `[:^name:]` at the current index, translated; nil when there is none.
    private mutating func posixClass() -> String? {
        var end = index + 2
        while end + 1 < scalars.count, !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
        guard end + 1 < scalars.count else { return nil }
        var name = text((index + 2)..<end)
        let negated = name.hasPrefix("^")
        if negated { name.removeFirst() }
        guard let body = Self.posixClasses[name] else { return nil }
        index = end + 2
        return negated ? "[^\(body)]" : body
    }
}
