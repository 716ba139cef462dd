import BigInt
import Foundation
import Yams

/// Terraform's encoding functions: `base64encode`, `base64decode`, `textencodebase64`, `textdecodebase64`,
/// `csvdecode`, `jsonencode`, `jsondecode`, `urlencode`, `yamlencode`, `yamldecode`.
///
/// Not available: `base64gzip` (Terraform's output is the exact bytes of Go's own deflate compressor, which no
/// library here reproduces). `textencodebase64` / `textdecodebase64` know UTF-8, UTF-16, UTF-16BE, UTF-16LE,
/// ISO-8859-1, ISO-8859-15, US-ASCII and windows-1252 (with their IANA aliases); Terraform's other IANA character
/// sets (Shift_JIS, KOI8-R, …) are reported as unsupported names.
extension FunctionLibrary {
    /// The encoding functions.
    static let encodings: [FunctionDefinition] = [
        FunctionDefinition("base64encode", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(base64Encoded(Array(try stringArgument(args, 0).utf8)))
        },
        FunctionDefinition("base64decode", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            let text = try stringArgument(args, 0)
            guard let bytes = base64Decoded(text) else {
                throw FunctionError("failed to decode base64 data \(GoQuote.quote(text))")
            }
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw FunctionError("the result of decoding the provided string is not valid UTF-8")
            }
            return .string(decoded)
        },
        FunctionDefinition(
            "textencodebase64", [FunctionParameter("string", .string), FunctionParameter("encoding", .string)],
            returns: .string
        ) { args throws(FunctionError) in
            let encoding = try textEncodingArgument(args)
            guard let bytes = encoding.encode(try stringArgument(args, 0)) else {
                throw argumentError(
                    0, "string", "the given string contains characters that cannot be represented in \(encoding.name)")
            }
            return .string(base64Encoded(bytes))
        },
        FunctionDefinition(
            "textdecodebase64", [FunctionParameter("source", .string), FunctionParameter("encoding", .string)],
            returns: .string
        ) { args throws(FunctionError) in
            let encoding = try textEncodingArgument(args)
            let bytes: [UInt8]
            switch goBase64Decode(Array(try stringArgument(args, 0).utf8)) {
            case .success(let decoded): bytes = decoded
            case .failure(let error):
                throw argumentError(
                    0, "source", "the given value is has an invalid base64 symbol at offset \(error.offset)")
            }
            guard let text = encoding.decode(bytes) else {
                throw argumentError(
                    0, "source", "the given string contains symbols that are not defined for \(encoding.name)")
            }
            return .string(text)
        },
        FunctionDefinition("csvdecode", [FunctionParameter("str", .string)]) { args throws(FunctionError) in
            try csvDecode(try stringArgument(args, 0))
        },
        FunctionDefinition(
            "jsonencode", [FunctionParameter("val", .dynamic, allowNull: true, allowDynamicType: true)], returns: .string) {
            args throws(FunctionError) in
            do throws(ConversionError) {
                return .string(try args[0].jsonEncoded())
            } catch {
                throw FunctionError(error.message)
            }
        },
        FunctionDefinition("jsondecode", [FunctionParameter("str", .string)]) { args throws(FunctionError) in
            let text = try stringArgument(args, 0)
            do throws(ConversionError) {
                return try TypedValue.jsonDecoded(text)
            } catch {
                throw FunctionError(error.message)
            }
        },
        FunctionDefinition("urlencode", [FunctionParameter("str", .string)], returns: .string) {
            args throws(FunctionError) in
            .string(queryEscaped(try stringArgument(args, 0)))
        },
        FunctionDefinition(
            "yamlencode", [FunctionParameter("value", .dynamic, allowNull: true, allowDynamicType: true)], returns: .string) {
            args throws(FunctionError) in
            guard args[0].isWhollyKnown else { return .unknown(.string) }
            do {
                return .string(try yamlEncoded(args[0]))
            } catch {
                throw FunctionError("\(error)")
            }
        },
        FunctionDefinition("yamldecode", [FunctionParameter("src", .string)]) { args throws(FunctionError) in
            try yamlDecode(try stringArgument(args, 0))
        },
    ]

    private static func textEncodingArgument(_ args: [TypedValue]) throws(FunctionError) -> TextEncoding {
        let name = try stringArgument(args, 1)
        guard let encoding = TextEncoding(ianaName: name) else {
            throw argumentError(
                1, "encoding",
                "\(GoQuote.quote(name)) is not a supported IANA encoding name or alias in this Terraform version")
        }
        return encoding
    }

    // MARK: - base64 and URLs

    /// Go's `base64.StdEncoding.DecodeString`: padding required, "\r" and "\n" ignored; nil when malformed.
    static func base64Decoded(_ text: String) -> [UInt8]? {
        if case .success(let bytes) = goBase64Decode(Array(text.utf8)) { return bytes }
        return nil
    }

    /// Go's `base64.StdEncoding.Decode`: the bytes, or the offset Go's `CorruptInputError` reports.
    static func goBase64Decode(_ source: [UInt8]) -> Result<[UInt8], Base64Error> {
        func value(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - 65
            case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 97 + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 48 + 52
            case UInt8(ascii: "+"): 62
            case UInt8(ascii: "/"): 63
            default: nil
            }
        }
        func isNewline(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D }
        let pad = UInt8(ascii: "=")
        var output: [UInt8] = []
        var si = 0
        while si < source.count {
            var quantum: [UInt8] = [0, 0, 0, 0]
            var length = 4
            var j = 0
            quantumLoop: while j < 4 {
                if si == source.count {
                    if j == 0 { return .success(output) }
                    return .failure(Base64Error(offset: si - j))
                }
                let byte = source[si]
                si += 1
                if let decoded = value(byte) {
                    quantum[j] = decoded
                    j += 1
                    continue
                }
                if isNewline(byte) { continue }
                guard byte == pad, j >= 2 else { return .failure(Base64Error(offset: si - 1)) }
                if j == 2 {
                    while si < source.count, isNewline(source[si]) { si += 1 }
                    if si == source.count { return .failure(Base64Error(offset: source.count)) }
                    if source[si] != pad { return .failure(Base64Error(offset: si - 1)) }
                    si += 1
                }
                while si < source.count, isNewline(source[si]) { si += 1 }
                if si < source.count { return .failure(Base64Error(offset: si)) }
                length = j
                break quantumLoop
            }
            let group =
                UInt32(quantum[0]) << 18 | UInt32(quantum[1]) << 12 | UInt32(quantum[2]) << 6 | UInt32(quantum[3])
            let bytes = [UInt8(group >> 16 & 0xFF), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
            output += bytes.prefix(length - 1)
        }
        return .success(output)
    }

    /// Go's `base64.CorruptInputError`: the offset of the bad input byte.
    struct Base64Error: Error {
        var offset: Int
    }

    // MARK: - Text encodings

    /// The character sets `textencodebase64` / `textdecodebase64` know here: a subset of the IANA index of Go's
    /// `golang.org/x/text`, under Terraform's canonical names.
    enum TextEncoding {
        case utf8, utf16, utf16BigEndian, utf16LittleEndian, latin1, latin9, ascii, windows1252

        /// The encoding of an IANA name or alias (compared without case), as `ianaindex.IANA.Encoding` finds it.
        init?(ianaName: String) {
            let aliases: [String: TextEncoding] = [
                "utf-8": .utf8, "csutf8": .utf8, "utf-16": .utf16, "csutf16": .utf16, "utf-16be": .utf16BigEndian,
                "csutf16be": .utf16BigEndian, "utf-16le": .utf16LittleEndian, "csutf16le": .utf16LittleEndian,
                "iso_8859-1:1987": .latin1, "iso-ir-100": .latin1, "iso_8859-1": .latin1, "iso-8859-1": .latin1,
                "latin1": .latin1, "l1": .latin1, "ibm819": .latin1, "cp819": .latin1, "csisolatin1": .latin1,
                "iso-8859-15": .latin9, "iso_8859-15": .latin9, "latin-9": .latin9, "csiso885915": .latin9,
                "iso-ir-6": .ascii, "ansi_x3.4-1968": .ascii, "ansi_x3.4-1986": .ascii, "iso_646.irv:1991": .ascii,
                "iso646-us": .ascii, "us-ascii": .ascii, "us": .ascii, "ibm367": .ascii, "cp367": .ascii,
                "csascii": .ascii, "windows-1252": .windows1252, "cswindows1252": .windows1252,
            ]
            guard let encoding = aliases[ianaName.lowercased()] else { return nil }
            self = encoding
        }

        /// The name Terraform's messages use (`ianaindex.IANA.Name`).
        var name: String {
            switch self {
            case .utf8: "UTF-8"
            case .utf16: "UTF-16"
            case .utf16BigEndian: "UTF-16BE"
            case .utf16LittleEndian: "UTF-16LE"
            case .latin1: "ISO_8859-1:1987"
            case .latin9: "ISO-8859-15"
            case .ascii: "US-ASCII"
            case .windows1252: "windows-1252"
            }
        }

        private static let windows1252High: [UInt32?] = [
            0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil,
            0x017D, nil, nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
            0x0153, nil, 0x017E, 0x0178,
        ]
        private static let latin9Changes: [UInt8: UInt32] = [
            0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153,
            0xBE: 0x0178,
        ]

        /// The scalar a single-byte character set maps `byte` to, nil where it defines none.
        private func scalarValue(of byte: UInt8) -> UInt32? {
            switch self {
            case .ascii: byte < 0x80 ? UInt32(byte) : nil
            case .latin1: UInt32(byte)
            case .latin9: Self.latin9Changes[byte] ?? UInt32(byte)
            case .windows1252: (0x80...0x9F).contains(byte) ? Self.windows1252High[Int(byte - 0x80)] : UInt32(byte)
            default: nil
            }
        }

        /// The bytes of `text`, nil when a character has none in this set.
        func encode(_ text: String) -> [UInt8]? {
            switch self {
            case .utf8: return Array(text.utf8)
            case .utf16: return [0xFE, 0xFF] + Self.utf16(text, bigEndian: true)
            case .utf16BigEndian: return Self.utf16(text, bigEndian: true)
            case .utf16LittleEndian: return Self.utf16(text, bigEndian: false)
            case .ascii, .latin1, .latin9, .windows1252:
                var reverse: [UInt32: UInt8] = [:]
                for byte in UInt8.min...UInt8.max {
                    if let value = scalarValue(of: byte), reverse[value] == nil { reverse[value] = byte }
                }
                var bytes: [UInt8] = []
                for scalar in text.unicodeScalars {
                    guard let byte = reverse[scalar.value] else { return nil }
                    bytes.append(byte)
                }
                return bytes
            }
        }

        private static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
            var bytes: [UInt8] = []
            for unit in text.utf16 {
                let pair = [UInt8(unit >> 8), UInt8(unit & 0xFF)]
                bytes += bigEndian ? pair : pair.reversed()
            }
            return bytes
        }

        /// The text `bytes` stand for; nil when a byte sequence is undefined here (or decodes to U+FFFD).
        func decode(_ bytes: [UInt8]) -> String? {
            var scalars = String.UnicodeScalarView()
            switch self {
            case .utf8:
                guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
                scalars = text.unicodeScalars
            case .utf16, .utf16BigEndian, .utf16LittleEndian:
                var body = bytes[...]
                var bigEndian = self != .utf16LittleEndian
                if self == .utf16, body.count >= 2 {
                    if body.starts(with: [0xFE, 0xFF]) {
                        body = body.dropFirst(2)
                    } else if body.starts(with: [0xFF, 0xFE]) {
                        bigEndian = false
                        body = body.dropFirst(2)
                    }
                }
                guard body.count % 2 == 0 else { return nil }
                var units: [UInt16] = []
                var index = body.startIndex
                while index < body.endIndex {
                    let (first, second) = (UInt16(body[index]), UInt16(body[index + 1]))
                    units.append(bigEndian ? first << 8 | second : second << 8 | first)
                    index += 2
                }
                guard let text = String(validating: units, as: UTF16.self) else { return nil }
                scalars = text.unicodeScalars
            case .ascii, .latin1, .latin9, .windows1252:
                for byte in bytes {
                    guard let value = scalarValue(of: byte), let scalar = Unicode.Scalar(value) else { return nil }
                    scalars.append(scalar)
                }
            }
            guard !scalars.contains("\u{FFFD}") else { return nil }
            return String(scalars)
        }
    }

    /// Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, everything else `%XX`.
    static func queryEscaped(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - CSV (Go's encoding/csv)

    private struct CSVParseError: Error {
        var line: Int
        var message: String
    }

    /// cty's `csvdecode`: a header line, then one object of strings per record.
    private static func csvDecode(_ text: String) throws(FunctionError) -> TypedValue {
        var reader = CSVReader(Array(text.utf8))
        let firstRecord: [String]?
        do throws(CSVParseError) {
            firstRecord = try reader.read()
        } catch {
            throw FunctionError("CSV parse error on line \(error.line): \(error.message)")
        }
        guard let headers = firstRecord else { throw FunctionError("missing header line") }
        var seen = Set<String>()
        for name in headers {
            guard seen.insert(name).inserted else {
                throw FunctionError("duplicate column name \(GoQuote.quote(name))")
            }
        }
        let elementType = ValueType.object(Dictionary(headers.map { ($0, .string) }, uniquingKeysWith: { a, _ in a }))
        var rows: [TypedValue] = []
        do throws(CSVParseError) {
            while let record = try reader.read() {
                var attributes: [String: TypedValue] = [:]
                for (name, value) in zip(headers, record) { attributes[name] = .string(value) }
                rows.append(.object(attributes))
            }
        } catch {
            throw FunctionError("CSV parse error on line \(error.line): \(error.message)")
        }
        return .list(rows, elementType)
    }

    /// Go's `csv.Reader` with its defaults (comma separator, strict quotes), and the field count fixed by the
    /// first record.
    private struct CSVReader {
        let bytes: [UInt8]
        var position = 0
        var lineNumber = 0
        var fieldsPerRecord = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        static let quote = UInt8(ascii: "\"")
        static let comma = UInt8(ascii: ",")
        static let newline = UInt8(ascii: "\n")

        /// Go's `readLine`: the next line with "\r\n" made "\n" and a final "\r" dropped; nil at the end.
        mutating func readLine() -> [UInt8]? {
            guard position < bytes.count else { return nil }
            var end = position
            while end < bytes.count, bytes[end] != Self.newline { end += 1 }
            var line = Array(bytes[position..<min(end + 1, bytes.count)])
            position = min(end + 1, bytes.count)
            if end >= bytes.count, line.last == UInt8(ascii: "\r") { line.removeLast() }
            lineNumber += 1
            if line.count >= 2, line[line.count - 2] == UInt8(ascii: "\r"), line[line.count - 1] == Self.newline {
                line.removeLast(2)
                line.append(Self.newline)
            }
            return line
        }

        private static func newlineLength(_ line: ArraySlice<UInt8>) -> Int { line.last == newline ? 1 : 0 }

        /// The next record; nil at the end of the input.
        mutating func read() throws(CSVParseError) -> [String]? {
            var maybeLine: [UInt8]?
            repeat {
                maybeLine = readLine()
                guard let line = maybeLine else { return nil }
                if line.count == Self.newlineLength(line[...]) { continue }
                break
            } while true
            guard let firstLine = maybeLine else { return nil }
            let recordLine = lineNumber
            var line = firstLine[...]
            var fields: [String] = []
            var field: [UInt8] = []
            var quoteLine = lineNumber
            parsing: while true {
                if line.first != Self.quote {
                    // An unquoted field.
                    let commaIndex = line.firstIndex(of: Self.comma)
                    let content =
                        commaIndex.map { line[line.startIndex..<$0] } ?? line.dropLast(Self.newlineLength(line))
                    if content.contains(Self.quote) {
                        throw CSVParseError(line: lineNumber, message: "bare \" in non-quoted-field")
                    }
                    fields.append(String(decoding: content, as: UTF8.self))
                    if let commaIndex {
                        line = line[(commaIndex + 1)...]
                        continue parsing
                    }
                    break parsing
                }
                // A quoted field.
                line = line.dropFirst()
                field = []
                quoteLine = lineNumber
                while true {
                    if let quoteIndex = line.firstIndex(of: Self.quote) {
                        field += line[line.startIndex..<quoteIndex]
                        line = line[(quoteIndex + 1)...]
                        if line.first == Self.quote {
                            field.append(Self.quote)
                            line = line.dropFirst()
                        } else if line.first == Self.comma {
                            line = line.dropFirst()
                            fields.append(String(decoding: field, as: UTF8.self))
                            continue parsing
                        } else if line.count == Self.newlineLength(line) {
                            fields.append(String(decoding: field, as: UTF8.self))
                            break parsing
                        } else {
                            throw CSVParseError(line: lineNumber, message: "extraneous or missing \" in quoted-field")
                        }
                    } else if !line.isEmpty {
                        field += line
                        guard let next = readLine() else {
                            line = []
                            continue
                        }
                        if !next.isEmpty { quoteLine = lineNumber }
                        line = next[...]
                    } else {
                        throw CSVParseError(line: quoteLine, message: "extraneous or missing \" in quoted-field")
                    }
                }
            }
            if fieldsPerRecord == 0 {
                fieldsPerRecord = fields.count
            } else if fields.count != fieldsPerRecord {
                throw CSVParseError(line: recordLine, message: "wrong number of fields")
            }
            return fields
        }
    }

    // MARK: - YAML (go-cty-yaml)

    /// The value as Terraform's `yamlencode` writes it (go-cty-yaml over libyaml): block style, two-space indents,
    /// keys sorted by their UTF-8 bytes, every string double-quoted unless it holds a newline (then a literal
    /// block), numbers as `Number.description`, `null`, `true`, `false`; a plain scalar document ends with `...`.
    static func yamlEncoded(_ value: TypedValue) throws -> String {
        let node = try yamlNode(value)
        var text = try Yams.serialize(node: node, width: 80, allowUnicode: true)
        // go-yaml's emitter ends a document with "..." only after a plain scalar at the root; this libyaml also
        // does after a literal block that keeps its final newlines.
        let plainRoot: Bool
        if case .scalar(let scalar) = node, scalar.style == .plain { plainRoot = true } else { plainRoot = false }
        if plainRoot, !text.hasSuffix("...\n") {
            text += "...\n"
        } else if !plainRoot, text.hasSuffix("\n...\n") {
            text.removeLast(4)
        }
        return text
    }

    private struct YAMLEncodingError: Error, CustomStringConvertible {
        var description: String
    }

    private static func yamlNode(_ value: TypedValue) throws -> Node {
        switch value {
        case .null: return .scalar(.init("null", .implicit, .plain))
        case .unknown: throw YAMLEncodingError(description: "cannot serialize unknown value as YAML")
        case .bool(let flag): return .scalar(.init(flag ? "true" : "false", .implicit, .plain))
        case .number(let number): return .scalar(.init(number.description, .implicit, .plain))
        case .string(let text):
            return .scalar(.init(text, .implicit, text.contains("\n") ? .literal : .doubleQuoted))
        case .list(let items, _), .set(let items, _), .tuple(let items):
            return .sequence(.init(try items.map(yamlNode), .implicit, .block))
        case .map(let entries, _), .object(let entries):
            let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var pairs: [(Node, Node)] = []
            for key in keys {
                guard let entry = entries[key] else { continue }
                pairs.append((try yamlNode(.string(key)), try yamlNode(entry)))
            }
            return .mapping(.init(pairs, .implicit, .block))
        }
    }

    // MARK: yamldecode

    private struct YAMLDecodingError: Error {
        var message: String
    }

    /// go-cty-yaml's `yamldecode`: mappings become objects (keys converted to strings), sequences tuples, scalars
    /// resolved as go-cty-yaml resolves them (YAML 1.1 booleans such as `yes`/`on`/`y`, `~` and `null`, integers
    /// with `0x`/`0o` prefixes, floats, `.inf`, timestamps normalized to RFC 3339 strings, tags `!!str`,
    /// `!!int`, ...); anchors, aliases and `<<` merge keys are followed. Errors carry go-cty-yaml's positions.
    ///
    /// Differences (Yams' libyaml in place of go-yaml's): a key repeated in one mapping is an error here (Terraform
    /// keeps the last value); some syntax errors are worded by this libyaml.
    static func yamlDecode(_ source: String) throws(FunctionError) -> TypedValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: source, implicitTagMarker)
        } catch let error as YamlError {
            throw FunctionError(yamlErrorMessage(error))
        } catch {
            throw FunctionError("\(error)")
        }
        guard let root else { throw FunctionError("on line 1, column 1: missing start of document") }
        do throws(YAMLDecodingError) {
            return try yamlValue(root)
        } catch {
            throw FunctionError(error.message)
        }
    }

    /// A Yams error worded as go-cty-yaml words libyaml's: "on line L, column C: problem" with L the 0-based
    /// line (the 1-based one for scanner errors), no position on the first line.
    private static func yamlErrorMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _):
            return mark.line > 1 ? "on line \(mark.line), column 1: \(problem)" : problem
        case .composer(_, "found undefined alias", let mark, let yaml):
            return "reference to undefined anchor \(GoQuote.quote(aliasName(at: mark, in: yaml)))"
        case .composer(_, "but found another document", let mark, _):
            return eventErrorPrefix(mark) + "unexpected extra content after value"
        case .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return eventErrorPrefix(mark) + problem
        default:
            return "\(error)"
        }
    }

    /// The name of the alias (`*name`) that starts at `mark` (1-based line and column) in `yaml`.
    private static func aliasName(at mark: Mark, in yaml: String) -> String {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return "" }
        let rest = lines[mark.line - 1].unicodeScalars.dropFirst(max(0, mark.column - 1)).drop { $0 == "*" }
        let stops: Set<Unicode.Scalar> = [" ", "\t", "\r", ",", "[", "]", "{", "}"]
        return String(String.UnicodeScalarView(rest.prefix { !stops.contains($0) }))
    }

    /// go-cty-yaml's position prefix for an error at a node: "on line L, column C: " with L the 0-based line and
    /// C the 1-based column, nothing on the first line.
    private static func eventErrorPrefix(_ mark: Mark?) -> String {
        guard let mark, mark.line > 1 else { return "" }
        return "on line \(mark.line - 1), column \(mark.column): "
    }

    private static let yamlTagPrefix = "tag:yaml.org,2002:"

    /// The tag Yams gives untagged nodes here, so that they can be told from explicitly tagged ones.
    private static let implicitTag = "!terrace-implicit"

    /// A Yams resolver that marks every untagged node with `implicitTag` instead of resolving it.
    private static let implicitTagMarker: Resolver = {
        guard let rule = try? Resolver.Rule(Tag.Name(rawValue: implicitTag), "^") else { return .basic }
        return Resolver.basic.appending(rule)
    }()

    /// A node's explicit tag, "" when it has none.
    private static func explicitTag(_ tag: Tag) -> String {
        tag.rawValue == implicitTag ? "" : tag.rawValue
    }

    private static func yamlValue(_ node: Node) throws(YAMLDecodingError) -> TypedValue {
        switch node {
        case .scalar(let scalar):
            do throws(YAMLDecodingError) {
                return try resolveYAMLScalar(tag: explicitTag(scalar.tag), scalar.string, style: scalar.style)
            } catch {
                throw YAMLDecodingError(message: eventErrorPrefix(node.mark) + error.message)
            }
        case .alias:
            throw YAMLDecodingError(message: "unresolved alias")
        case .sequence(let sequence):
            var items: [TypedValue] = []
            for item in sequence { items.append(try yamlValue(item)) }
            return .tuple(items)
        case .mapping(let mapping):
            var attributes: [String: TypedValue] = [:]
            var merged: [String: TypedValue] = [:]
            for (key, value) in mapping {
                if case .scalar(let keyScalar) = key, keyScalar.style == .plain,
                    keyScalar.string == "<<" && explicitTag(keyScalar.tag).isEmpty
                        || explicitTag(keyScalar.tag) == yamlTagPrefix + "merge"
                {
                    let sources: [Node]
                    if case .sequence(let sequence) = value { sources = Array(sequence) } else { sources = [value] }
                    for source in sources {
                        guard case .object(let entries) = try yamlValue(source) else {
                            throw YAMLDecodingError(message: "map merge requires map or sequence of maps as the value")
                        }
                        for (name, entry) in entries where merged[name] == nil { merged[name] = entry }
                    }
                    continue
                }
                let keyError = YAMLDecodingError(
                    message: eventErrorPrefix(key.mark) + "only strings are allowed as mapping keys")
                guard case .scalar = key else { throw keyError }
                let name: String
                switch try yamlValue(key) {
                case .string(let text): name = text
                case .number(let number): name = number.description
                case .bool(let flag): name = flag ? "true" : "false"
                case .null:
                    throw YAMLDecodingError(message: eventErrorPrefix(key.mark) + "mapping key cannot be null")
                default: throw keyError
                }
                attributes[name] = try yamlValue(value)
            }
            for (name, entry) in merged where attributes[name] == nil { attributes[name] = entry }
            return .object(attributes)
        }
    }

    private static let yamlResolved: [String: TypedValue] = {
        var table: [String: TypedValue] = [:]
        for word in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] { table[word] = .true }
        for word in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] {
            table[word] = .false
        }
        for word in ["", "~", "null", "Null", "NULL"] { table[word] = .null(.dynamic) }
        for word in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { table[word] = .number(.infinity) }
        for word in ["-.inf", "-.Inf", "-.INF"] { table[word] = .number(.negativeInfinity) }
        return table
    }()

    /// go-cty-yaml's `resolveScalar`.
    private static func resolveYAMLScalar(tag rawTag: String, _ source: String, style: Node.Scalar.Style)
        throws(YAMLDecodingError) -> TypedValue
    {
        var tag = rawTag
        let shortTag = tag.hasPrefix(yamlTagPrefix) ? "!!" + tag.dropFirst(yamlTagPrefix.count) : tag
        let resolvable = ["", "str", "bool", "int", "float", "null", "timestamp", "binary"].map {
            $0.isEmpty ? "" : yamlTagPrefix + $0
        }
        guard resolvable.contains(tag) else {
            throw YAMLDecodingError(message: "unsupported tag \(GoQuote.quote(shortTag))")
        }
        let hint: Character?
        if let first = source.unicodeScalars.first {
            switch first {
            case "+", "-": hint = "S"
            case "0"..."9": hint = "D"
            case "y", "Y", "n", "N", "t", "T", "f", "F", "o", "O", "~": hint = "M"
            case ".": hint = "."
            default: hint = nil
            }
        } else {
            hint = "N"
        }
        if let hint, tag != yamlTagPrefix + "str", tag != yamlTagPrefix + "binary" {
            if style == .singleQuoted || style == .doubleQuoted { return .string(source) }
            if let resolved = yamlResolved[source] { return resolved }
            if tag.isEmpty, [".nan", ".NaN", ".NAN"].contains(source) {
                throw YAMLDecodingError(message: "floating point NaN is not supported")
            }
            switch hint {
            case ".":
                if let number = Number(parsing: source) { return .number(number) }
            case "D", "S":
                if tag.isEmpty || tag == yamlTagPrefix + "timestamp", let timestamp = yamlTimestamp(source) {
                    return .string(timestamp)
                }
                if isYAMLIntegerLiteral(source) {
                    tag = yamlTagPrefix + "int"
                } else if isYAMLFloatLiteral(source) {
                    tag = yamlTagPrefix + "float"
                }
            default: break
            }
        }
        let cannotParse = YAMLDecodingError(message: "cannot parse \(GoQuote.quote(source)) as \(tag)")
        switch tag.dropFirst(tag.isEmpty ? 0 : yamlTagPrefix.count) {
        case "str", "": return .string(source)
        case "binary":
            guard base64Decoded(source) != nil else {
                throw YAMLDecodingError(message: "cannot parse \(GoQuote.quote(source)) as \(tag): not valid base64")
            }
            return .string(source)
        case "bool":
            guard let resolved = yamlResolved[source], resolved.type == .bool else { throw cannotParse }
            return resolved
        case "int", "float":
            let plain = source.replacingOccurrences(of: "_", with: "")
            if let number = Number(parsing: plain) { return .number(number) }
            if let integer = goParseInteger(plain) { return .number(Number(integer)) }
            throw cannotParse
        case "timestamp":
            guard let timestamp = yamlTimestamp(source) else { throw cannotParse }
            return .string(timestamp)
        case "null":
            return .null(.dynamic)
        default:
            throw YAMLDecodingError(message: "unsupported tag \(GoQuote.quote(shortTag))")
        }
    }

    /// `[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+`, whole.
    private static func isYAMLIntegerLiteral(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func all(_ slice: ArraySlice<UInt8>, _ valid: (UInt8) -> Bool) -> Bool {
            !slice.isEmpty && slice.allSatisfy(valid)
        }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        if bytes.starts(with: Array("0o".utf8)), all(bytes[2...], { $0 >= 0x30 && $0 <= 0x37 }) { return true }
        if bytes.starts(with: Array("0x".utf8)),
            all(bytes[2...], { isDigit($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) })
        {
            return true
        }
        let unsigned = bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") ? bytes[1...] : bytes[...]
        return all(unsigned, isDigit)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, whole.
    private static func isYAMLFloatLiteral(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let leading = bytes.prefix(while: isDigit).count
        bytes = bytes.dropFirst(leading)
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fraction)
            if leading == 0, fraction == 0 { return false }
        } else if leading == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: isDigit).count
            guard exponent > 0 else { return false }
            bytes = bytes.dropFirst(exponent)
        }
        return bytes.isEmpty
    }

    /// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` and leading-`0` octal.
    private static func goParseInteger(_ text: String) -> BigInt? {
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        var radix = 10
        let lower = body.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
            body = body.dropFirst(2)
        } else if lower.hasPrefix("0o") {
            radix = 8
            body = body.dropFirst(2)
        } else if lower.hasPrefix("0b") {
            radix = 2
            body = body.dropFirst(2)
        } else if body.hasPrefix("0"), body.count > 1 {
            radix = 8
            body = body.dropFirst()
        }
        guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return -BigInt(magnitude)
        }
        return BigInt(magnitude)
    }

    /// go-cty-yaml's timestamp forms (`2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, with a space and no
    /// zone, or a date alone) as Go's `Format(time.RFC3339)` writes them; nil for anything else.
    private static func yamlTimestamp(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(maxDigits: Int) -> Int? {
            var value = 0
            var count = 0
            while index < bytes.count, count < maxDigits, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            return count > 0 ? value : nil
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard bytes.count >= 5, bytes[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), bytes[4] == UInt8(ascii: "-"),
            let year = number(maxDigits: 4), expect(UInt8(ascii: "-")), let month = number(maxDigits: 2),
            expect(UInt8(ascii: "-")), let day = number(maxDigits: 2), (1...12).contains(month),
            (1...Timestamp.daysIn(month, year)).contains(day)
        else { return nil }
        var time = Timestamp(
            year: year, month: month, day: day, hour: 0, minute: 0, second: 0, nanosecond: 0, offset: 0)
        if index == bytes.count { return time.rfc3339 }
        let separator = bytes[index]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
            return nil
        }
        index += 1
        guard let hour = number(maxDigits: 2), hour < 24, expect(UInt8(ascii: ":")), let minute = number(maxDigits: 2),
            minute < 60, expect(UInt8(ascii: ":")), let second = number(maxDigits: 2), second < 60
        else { return nil }
        time.hour = hour
        time.minute = minute
        time.second = second
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ","),
            index + 1 < bytes.count, bytes[index + 1] >= 0x30, bytes[index + 1] <= 0x39
        {
            index += 1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        }
        if separator == UInt8(ascii: " ") { return index == bytes.count ? time.rfc3339 : nil }
        if expect(UInt8(ascii: "Z")) { return index == bytes.count ? time.rfc3339 : nil }
        guard index + 6 == bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            bytes[index + 3] == UInt8(ascii: ":")
        else { return nil }
        let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
        index += 1
        guard let hours = number(maxDigits: 2), expect(UInt8(ascii: ":")), let minutes = number(maxDigits: 2),
            index == bytes.count, hours <= 24, minutes <= 60
        else { return nil }
        time.offset = sign * (hours * 3600 + minutes * 60)
        return time.rfc3339
    }
}
