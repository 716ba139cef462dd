/// Terraform's string functions (cty's stdlib string functions plus Terraform's own `startswith`, `endswith`,
/// `strcontains`, `replace` with its `/regex/` form, and the path-only `basename` / `dirname`).
///
/// Semantics follow Go, which Terraform is written in: comparisons, prefixes, suffixes, splitting and replacing work
/// on UTF-8 bytes (no canonical equivalence: "e\u{301}" does not start with "é"); case mapping is Go's simple
/// per-scalar mapping (`upper("straße")` is "STRAßE", a final sigma is not special); `substr` and `strrev` count
/// extended grapheme clusters as Terraform's Unicode 15.0 segmentation does (`graphemeClusters(_:)`). Terraform
/// normalizes string *literals* to NFC while parsing; these functions do not normalize their arguments. Unicode
/// tables (case mapping, letters, spaces) are this Swift runtime's; they agree with Go 1.23's wherever Unicode 15
/// defines the character.
extension FunctionLibrary {
    /// The string functions.
    static let strings: [FunctionDefinition] = [
        FunctionDefinition("chomp", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            let scalars = try stringArgument(args, 0).unicodeScalars
            var end = scalars.endIndex
            while end > scalars.startIndex {
                let previous = scalars.index(before: end)
                guard scalars[previous] == "\n" || scalars[previous] == "\r" else { break }
                end = previous
            }
            return .string(String(scalars[scalars.startIndex..<end]))
        },
        FunctionDefinition(
            "endswith", [FunctionParameter("str", .string), FunctionParameter("suffix", .string)], returns: .bool
        ) { args throws(FunctionError) in
            .bool(try stringArgument(args, 0).utf8.hasSuffixBytes(try stringArgument(args, 1).utf8))
        },
        FunctionDefinition(
            "indent", [FunctionParameter("spaces", .number), FunctionParameter("str", .string)], returns: .string
        ) { args throws(FunctionError) in
            let spaces = try goIntArgument(args, 0)
            guard spaces >= 0 else {
                throw FunctionError("panic in function implementation: strings: negative Repeat count")
            }
            let text = try stringArgument(args, 1)
            return .string(replacingBytes(in: text, "\n", with: "\n" + String(repeating: " ", count: spaces)))
        },
        FunctionDefinition(
            "join", [FunctionParameter("separator", .string)], variadic: FunctionParameter("lists", .list(.string)),
            returns: .string
        ) { args throws(FunctionError) in
            let separator = try stringArgument(args, 0)
            let lists = args.dropFirst()
            guard !lists.isEmpty else { throw FunctionError("at least one list is required") }
            var items: [String] = []
            for (listIndex, list) in lists.enumerated() {
                for (elementIndex, element) in (list.sequenceElements ?? []).enumerated() {
                    guard case .string(let text) = element else {
                        let which =
                            lists.count > 1
                            ? "element \(elementIndex) of list \(listIndex + 1)" : "element \(elementIndex)"
                        throw argumentError(
                            listIndex + 1, "lists", "\(which) is null; cannot concatenate null values")
                    }
                    items.append(text)
                }
            }
            return .string(items.joined(separator: separator))
        },
        FunctionDefinition("lower", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(goMapScalars(try stringArgument(args, 0), simpleLowercase))
        },
        FunctionDefinition(
            "replace",
            [
                FunctionParameter("str", .string), FunctionParameter("substr", .string),
                FunctionParameter("replace", .string),
            ],
            returns: .string
        ) { args throws(FunctionError) in
            let text = try stringArgument(args, 0)
            let search = try stringArgument(args, 1)
            let replacement = try stringArgument(args, 2)
            let bytes = Array(search.utf8)
            if bytes.count > 1, bytes.first == UInt8(ascii: "/"), bytes.last == UInt8(ascii: "/") {
                let pattern = String(decoding: bytes[1..<(bytes.count - 1)], as: UTF8.self)
                let regex: GoRegex
                do throws(RegexSyntaxError) {
                    regex = try GoRegex(pattern)
                } catch {
                    throw FunctionError("error parsing regexp: \(error.description)")
                }
                return .string(regex.replacingAll(in: text, template: replacement))
            }
            return .string(replacingBytes(in: text, search, with: replacement))
        },
        FunctionDefinition(
            "split", [FunctionParameter("separator", .string), FunctionParameter("str", .string)],
            returns: .list(.string)
        ) { args throws(FunctionError) in
            let parts = splitBytes(try stringArgument(args, 1), separator: try stringArgument(args, 0))
            return .list(parts.map { .string($0) }, .string)
        },
        FunctionDefinition(
            "startswith", [FunctionParameter("str", .string), FunctionParameter("prefix", .string)], returns: .bool
        ) { args throws(FunctionError) in
            .bool(try stringArgument(args, 0).utf8.hasPrefixBytes(try stringArgument(args, 1).utf8))
        },
        FunctionDefinition(
            "strcontains", [FunctionParameter("str", .string), FunctionParameter("substr", .string)], returns: .bool
        ) { args throws(FunctionError) in
            let haystack = Array(try stringArgument(args, 0).utf8)
            let needle = Array(try stringArgument(args, 1).utf8)
            return .bool(firstByteRange(of: needle, in: haystack, from: 0) != nil)
        },
        FunctionDefinition("strrev", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(graphemeClusters(try stringArgument(args, 0)).reversed().joined())
        },
        FunctionDefinition(
            "substr",
            [
                FunctionParameter("str", .string), FunctionParameter("offset", .number),
                FunctionParameter("length", .number),
            ],
            returns: .string
        ) { args throws(FunctionError) in
            let text = try stringArgument(args, 0)
            var offset = try goIntArgument(args, 1)
            let length = try goIntArgument(args, 2)
            let clusters = graphemeClusters(text)
            if offset < 0 {
                offset += clusters.count
                offset = max(offset, 0)
            } else if length == 0 {
                return .string("")
            }
            guard offset < clusters.count else { return .string("") }
            let rest = clusters[offset...]
            // A zero length after a negative offset takes the whole rest, as cty does.
            if length <= 0 { return .string(rest.joined()) }
            return .string(rest.prefix(length).joined())
        },
        FunctionDefinition("title", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            var previous: Unicode.Scalar = " "
            var result = String.UnicodeScalarView()
            for scalar in try stringArgument(args, 0).unicodeScalars {
                if isGoTitleSeparator(previous) {
                    result.append(simpleTitlecase(scalar))
                } else {
                    result.append(scalar)
                }
                previous = scalar
            }
            return .string(String(result))
        },
        FunctionDefinition(
            "trim", [FunctionParameter("str", .string), FunctionParameter("cutset", .string)], returns: .string
        ) { args throws(FunctionError) in
            let cutset = Set(try stringArgument(args, 1).unicodeScalars)
            return .string(trimScalars(try stringArgument(args, 0)) { cutset.contains($0) })
        },
        FunctionDefinition(
            "trimprefix", [FunctionParameter("str", .string), FunctionParameter("prefix", .string)], returns: .string
        ) { args throws(FunctionError) in
            let text = Array(try stringArgument(args, 0).utf8)
            let prefix = Array(try stringArgument(args, 1).utf8)
            guard text.starts(with: prefix) else { return args[0] }
            return .string(String(decoding: text[prefix.count...], as: UTF8.self))
        },
        FunctionDefinition(
            "trimsuffix", [FunctionParameter("str", .string), FunctionParameter("suffix", .string)], returns: .string
        ) { args throws(FunctionError) in
            let text = Array(try stringArgument(args, 0).utf8)
            let suffix = Array(try stringArgument(args, 1).utf8)
            guard text.count >= suffix.count, text.suffix(suffix.count).elementsEqual(suffix) else { return args[0] }
            return .string(String(decoding: text[..<(text.count - suffix.count)], as: UTF8.self))
        },
        FunctionDefinition("trimspace", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(trimScalars(try stringArgument(args, 0)) { $0.properties.isWhitespace })
        },
        FunctionDefinition("upper", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(goMapScalars(try stringArgument(args, 0), simpleUppercase))
        },
        FunctionDefinition("basename", [FunctionParameter("path", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(pathBase(try stringArgument(args, 0)))
        },
        FunctionDefinition("dirname", [FunctionParameter("path", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(pathDirectory(try stringArgument(args, 0)))
        },
    ]

    // MARK: - Characters as Terraform counts them

    /// The extended grapheme clusters of `text` as Terraform (go-textseg, Unicode 15.0) segments them: Swift's
    /// `Character`s, split again where only Unicode 15.1's Indic conjunct rule (GB9c) joins them, so that "क्षि" is
    /// two characters ("क्", "षि") as in Terraform. `strrev`, `substr` and `format`'s widths and string precisions
    /// count these; so should `length` of a string.
    static func graphemeClusters(_ text: String) -> [String] {
        var clusters: [String] = []
        for character in text {
            var current = String.UnicodeScalarView()
            var previous: Unicode.Scalar?
            for scalar in character.unicodeScalars {
                if let previous, startsUnicode15Cluster(scalar, after: previous) {
                    clusters.append(String(current))
                    current = String.UnicodeScalarView()
                }
                current.append(scalar)
                previous = scalar
            }
            clusters.append(String(current))
        }
        return clusters
    }

    /// Whether `scalar`, inside one Swift `Character` after `previous`, starts a new cluster under Unicode 15.0's
    /// rules: an other-letter (an Indic consonant after a virama) that is neither Hangul jamo nor a spacing mark,
    /// after a scalar that is no prepended concatenation mark.
    private static func startsUnicode15Cluster(_ scalar: Unicode.Scalar, after previous: Unicode.Scalar) -> Bool {
        guard scalar.properties.generalCategory == .otherLetter else { return false }
        switch scalar.value {
        case 0x1100...0x11FF, 0xA960...0xA97F, 0xD7B0...0xD7FF, 0xAC00...0xD7A3: return false  // Hangul
        case 0x0E33, 0x0EB3: return false  // Thai and Lao SARA AM: spacing marks
        default: break
        }
        return !prependedConcatenationMarks.contains { $0.contains(previous.value) }
    }

    /// The scalars whose Grapheme_Cluster_Break is Prepend (Unicode 15.0).
    private static let prependedConcatenationMarks: [ClosedRange<UInt32>] = [
        0x0600...0x0605, 0x06DD...0x06DD, 0x070F...0x070F, 0x0890...0x0891, 0x08E2...0x08E2, 0x0D4E...0x0D4E,
        0x110BD...0x110BD, 0x110CD...0x110CD, 0x111C2...0x111C3, 0x1193F...0x1193F, 0x11941...0x11941,
        0x11A3A...0x11A3A, 0x11A84...0x11A89, 0x11D46...0x11D46, 0x11F02...0x11F02,
    ]

    // MARK: - Argument access shared by the text function groups

    /// The string argument at `index` (the evaluator has converted it to a string already).
    static func stringArgument(_ args: [TypedValue], _ index: Int) throws(FunctionError) -> String {
        guard index < args.count, case .string(let text) = args[index] else {
            throw FunctionError(argument: index, "string required")
        }
        return text
    }

    /// The number argument at `index`.
    static func numberArgument(_ args: [TypedValue], _ index: Int) throws(FunctionError) -> Number {
        guard index < args.count, case .number(let number) = args[index] else {
            throw FunctionError(argument: index, "number required")
        }
        return number
    }

    /// The number argument at `index` as a Go `int`, failing as cty's `gocty` conversion does (a whole number in
    /// the 64-bit range), with a message for the call as a whole as cty gives it.
    static func goIntArgument(_ args: [TypedValue], _ index: Int) throws(FunctionError) -> Int {
        guard let value = try numberArgument(args, index).intValue else {
            throw FunctionError(
                "value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        }
        return value
    }

    /// An error about the argument at `index`, worded as HCL words cty's argument errors.
    static func argumentError(_ index: Int, _ parameter: String, _ message: String) -> FunctionError {
        FunctionError(argument: index, "invalid value for \"\(parameter)\" parameter: \(message)")
    }

    // MARK: - Byte-wise string operations (Go's `strings` package)

    /// The byte offsets of the first occurrence of `needle` in `haystack` at or after `start`.
    static func firstByteRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        if needle.isEmpty { return start..<start }
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index..<(index + needle.count)
            }
            index += 1
        }
        return nil
    }

    /// The byte offsets where each UTF-8 sequence of `bytes` starts, plus the end.
    static func runeBoundaries(_ bytes: [UInt8]) -> [Int] {
        var boundaries: [Int] = []
        for (index, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 { boundaries.append(index) }
        boundaries.append(bytes.count)
        return boundaries
    }

    /// Go's `strings.Replace(s, old, new, -1)`: an empty `old` matches before every rune and at the end.
    static func replacingBytes(in text: String, _ old: String, with new: String) -> String {
        let bytes = Array(text.utf8)
        let oldBytes = Array(old.utf8)
        let newBytes = Array(new.utf8)
        var result: [UInt8] = []
        if oldBytes.isEmpty {
            let boundaries = runeBoundaries(bytes)
            for (position, start) in boundaries.enumerated() {
                result += newBytes
                if position + 1 < boundaries.count { result += bytes[start..<boundaries[position + 1]] }
            }
            return String(decoding: result, as: UTF8.self)
        }
        var position = 0
        while let range = firstByteRange(of: oldBytes, in: bytes, from: position) {
            result += bytes[position..<range.lowerBound]
            result += newBytes
            position = range.upperBound
        }
        result += bytes[position...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Go's `strings.Split`: an empty separator splits into runes; an empty string gives one empty part (or none
    /// with an empty separator).
    static func splitBytes(_ text: String, separator: String) -> [String] {
        let bytes = Array(text.utf8)
        let separatorBytes = Array(separator.utf8)
        if separatorBytes.isEmpty {
            let boundaries = runeBoundaries(bytes)
            return zip(boundaries, boundaries.dropFirst()).map { String(decoding: bytes[$0..<$1], as: UTF8.self) }
        }
        var parts: [String] = []
        var position = 0
        while let range = firstByteRange(of: separatorBytes, in: bytes, from: position) {
            parts.append(String(decoding: bytes[position..<range.lowerBound], as: UTF8.self))
            position = range.upperBound
        }
        parts.append(String(decoding: bytes[position...], as: UTF8.self))
        return parts
    }

    /// Removes leading and trailing scalars that satisfy `shouldTrim` (Go's `strings.TrimFunc`).
    static func trimScalars(_ text: String, where shouldTrim: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, shouldTrim(scalars[start]) { start = scalars.index(after: start) }
        while end > start, shouldTrim(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(scalars[start..<end])
    }

    // MARK: - Go's per-rune case mapping

    /// Maps each scalar of `text` (Go's `strings.Map`).
    static func goMapScalars(_ text: String, _ transform: (Unicode.Scalar) -> Unicode.Scalar) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { result.append(transform(scalar)) }
        return String(result)
    }

    /// Go's `unicode.ToUpper`: the simple (one-to-one) uppercase mapping.
    static func simpleUppercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) ? Unicode.Scalar(scalar.value - 32) ?? scalar : scalar
        }
        if let single = singleScalar(scalar.properties.uppercaseMapping) { return single }
        // Letters whose full uppercase expands (e.g. "ᾀ" to "ἈΙ") map simply to their titlecase letter.
        if let title = singleScalar(scalar.properties.titlecaseMapping), title != scalar,
            title.properties.lowercaseMapping == String(scalar)
        {
            return title
        }
        return scalar
    }

    /// Go's `unicode.ToLower`: the simple (one-to-one) lowercase mapping.
    static func simpleLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32) ?? scalar : scalar
        }
        if scalar == "\u{130}" { return "i" }  // "İ": full lowercase is "i̇", simple is "i"
        return singleScalar(scalar.properties.lowercaseMapping) ?? scalar
    }

    /// Go's `unicode.ToTitle`: the simple titlecase mapping.
    static func simpleTitlecase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return simpleUppercase(scalar) }
        if let single = singleScalar(scalar.properties.titlecaseMapping) { return single }
        return scalar
    }

    private static func singleScalar(_ text: String) -> Unicode.Scalar? {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, scalars.count == 1 else { return nil }
        return first
    }

    /// Go's `unicode.IsLetter`.
    static func isGoLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// Go's `unicode.IsDigit`.
    static func isGoDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .decimalNumber
    }

    /// The word separators of Go's `strings.Title`.
    private static func isGoTitleSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            let isWordByte =
                (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value) || value == 95
            return !isWordByte
        }
        if isGoLetter(scalar) || isGoDigit(scalar) { return false }
        return scalar.properties.isWhitespace
    }

    // MARK: - Go's `path/filepath` on Unix

    /// Go's `filepath.Clean` for slash-separated paths.
    static func cleanPath(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Go's `filepath.Base`.
    static func pathBase(_ path: String) -> String {
        if path.isEmpty { return "." }
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty { return "/" }
        if let slash = trimmed.lastIndex(of: "/") { return String(trimmed[trimmed.index(after: slash)...]) }
        return String(trimmed)
    }

    /// Go's `filepath.Dir`.
    static func pathDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return cleanPath(String(path[...slash]))
    }
}

extension String.UTF8View {
    /// Byte-wise `hasPrefix` (Go's `strings.HasPrefix`).
    func hasPrefixBytes(_ prefix: String.UTF8View) -> Bool { starts(with: prefix) }

    /// Byte-wise `hasSuffix` (Go's `strings.HasSuffix`).
    func hasSuffixBytes(_ suffix: String.UTF8View) -> Bool {
        count >= suffix.count && reversed().starts(with: suffix.reversed())
    }
}
