import BigInt

/// Terraform's `format` and `formatlist` (cty's `format` state machine and Go's `fmt` for numbers).
///
/// A verb is `%`, then flags (`0 # - + space`, any order), a width (no leading zero), a precision (`.` and digits),
/// an argument index (`[n]`, 1-based; after width and precision, as cty has it) and a letter. `*` is not
/// supported (cty rejects it). `%%` is a percent sign. The verbs:
/// - `%v`: strings as they are, numbers as `%g` with shortest digits, anything else (and `%#v` everything) as JSON;
/// - `%t`: a bool; `%b %d %o %x %X`: an integer (Go's `big.Int` formatting with `#`, `+`, space, `0`, width,
///   precision); `%e %E %f %g %G`: a number (Go's `big.Float` formatting; `#` is ignored);
/// - `%s`: a string; `%q`: a string JSON-quoted; a precision cuts the string to that many characters first.
/// Widths count characters (grapheme clusters) for `%v %s %q`. Every message is cty's.
extension FunctionLibrary {
    /// The formatting functions.
    static let formatting: [FunctionDefinition] = [
        FunctionDefinition(
            "format", [FunctionParameter("format", .string)],
            variadic: FunctionParameter("args", .dynamic, allowNull: true, allowUnknown: true), returns: .string
        ) { args throws(FunctionError) in
            let format = try stringArgument(args, 0)
            let values = Array(args.dropFirst())
            if values.contains(where: { !$0.isWhollyKnown }) { return .unknown(.string) }
            do throws(FormatFailure) {
                return .string(try formatText(format, values))
            } catch {
                throw error.functionError
            }
        },
        FunctionDefinition(
            "formatlist", [FunctionParameter("format", .string)],
            variadic: FunctionParameter("args", .dynamic, allowNull: true, allowUnknown: true),
            returns: .list(.string)
        ) { args throws(FunctionError) in try formatList(args) },
    ]

    /// A failure while formatting: cty's message, and the function argument at fault for argument errors.
    struct FormatFailure: Error {
        var argument: Int?
        var message: String

        var functionError: FunctionError {
            guard let argument else { return FunctionError(message) }
            return argumentError(argument, "args", message)
        }
    }

    /// One parsed verb.
    private struct FormatVerb {
        var raw = ""
        var offset = 0
        var argument = 1
        var mode: Unicode.Scalar = "v"
        var zero = false
        var sharp = false
        var plus = false
        var minus = false
        var space = false
        var width: Int?
        var precision: Int?

        /// Go's `%q` of the verb text.
        var quotedRaw: String { GoQuote.quote(raw) }
    }

    private static func formatList(_ args: [TypedValue]) throws(FunctionError) -> TypedValue {
        let format = try stringArgument(args, 0)
        let values = Array(args.dropFirst())
        if values.isEmpty {
            do throws(FormatFailure) {
                return .list([.string(try formatText(format, []))], .string)
            } catch {
                throw error.functionError
            }
        }
        var length: Int?
        var lengthChooser = 0
        var sequences: [[TypedValue]?] = Array(repeating: nil, count: values.count)
        var unknown = false
        for (index, value) in values.enumerated() {
            let isSequenceType: Bool
            switch value.type {
            case .list, .set, .tuple: isSequenceType = true
            default: isSequenceType = false
            }
            if isSequenceType, !value.isNull {
                if case .unknown(let type) = value {
                    guard case .tuple(let elements) = type else {
                        unknown = true
                        continue
                    }
                    try checkLength(elements.count, index)
                    unknown = true
                    continue
                }
                let elements = value.sequenceElements ?? []
                try checkLength(elements.count, index)
                sequences[index] = elements
            } else if value == .unknown(.dynamic) {
                unknown = true
            }
        }

        func checkLength(_ count: Int, _ index: Int) throws(FunctionError) {
            guard let expected = length else {
                length = count
                lengthChooser = index
                return
            }
            guard count == expected else {
                throw argumentError(
                    index + 1, "args",
                    "argument \(index + 1) has length \(count), which is inconsistent with argument "
                        + "\(lengthChooser + 1) of length \(expected)")
            }
        }

        if unknown { return .unknown(.list(.string)) }
        let iterations = length ?? 1
        var results: [TypedValue] = []
        iterationLoop: for iteration in 0..<iterations {
            var current: [TypedValue] = []
            for (index, value) in values.enumerated() {
                let element = sequences[index]?[iteration] ?? value
                if !element.isWhollyKnown {
                    results.append(.unknown(.string))
                    continue iterationLoop
                }
                current.append(element)
            }
            do throws(FormatFailure) {
                results.append(.string(try formatText(format, current)))
            } catch {
                throw FunctionError("error on format iteration \(iteration): \(error.message)")
            }
        }
        return .list(results, .string)
    }

    /// cty's `formatFSM`: `format` applied to `values`.
    static func formatText(_ format: String, _ values: [TypedValue]) throws(FormatFailure) -> String {
        let bytes = Array(format.utf8)
        var output: [UInt8] = []
        var nextArgument = 1
        var highestArgument = 0
        var position = 0

        func unexpected(_ at: Int) -> FormatFailure {
            let scalar = String(decoding: bytes[at...], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
            return FormatFailure(
                message: "unrecognized format character \(goQuoteRune(scalar)) at offset \(at)")
        }
        let endOfInput = FormatFailure(message: "invalid format string starting at offset \(bytes.count)")
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        while position < bytes.count {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "%") else {
                output.append(byte)
                position += 1
                continue
            }
            let start = position
            position += 1
            guard position < bytes.count else { throw endOfInput }
            if bytes[position] == UInt8(ascii: "%") {
                output.append(byte)
                position += 1
                continue
            }
            var verb = FormatVerb()
            verb.argument = nextArgument
            // Flags.
            flagLoop: while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "0"): verb.zero = true
                case UInt8(ascii: "#"): verb.sharp = true
                case UInt8(ascii: "-"): verb.minus = true
                case UInt8(ascii: "+"): verb.plus = true
                case UInt8(ascii: " "): verb.space = true
                default: break flagLoop
                }
                position += 1
            }
            // Width.
            if position < bytes.count, isDigit(bytes[position]) {
                var width = 0
                while position < bytes.count, isDigit(bytes[position]) {
                    width = min(width * 10 + Int(bytes[position] - 0x30), 10_000_000)
                    position += 1
                }
                verb.width = width
            }
            // Precision.
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                var precision = 0
                while position < bytes.count, isDigit(bytes[position]) {
                    precision = min(precision * 10 + Int(bytes[position] - 0x30), 10_000_000)
                    position += 1
                }
                verb.precision = precision
            }
            // Argument index.
            if position < bytes.count, bytes[position] == UInt8(ascii: "[") {
                position += 1
                guard position < bytes.count else { throw endOfInput }
                guard bytes[position] != UInt8(ascii: "0"), isDigit(bytes[position]) else { throw unexpected(position) }
                var argument = 0
                while position < bytes.count, isDigit(bytes[position]) {
                    argument = min(argument * 10 + Int(bytes[position] - 0x30), 10_000_000)
                    position += 1
                }
                guard position < bytes.count else { throw endOfInput }
                guard bytes[position] == UInt8(ascii: "]") else { throw unexpected(position) }
                position += 1
                verb.argument = argument
            }
            // Mode.
            guard position < bytes.count else { throw endOfInput }
            let mode = bytes[position]
            guard (mode >= 0x41 && mode <= 0x5A) || (mode >= 0x61 && mode <= 0x7A) else {
                throw unexpected(position)
            }
            position += 1
            verb.mode = Unicode.Scalar(mode)
            verb.raw = String(decoding: bytes[start..<position], as: UTF8.self)
            verb.offset = start
            highestArgument = max(highestArgument, verb.argument)
            output.append(contentsOf: try formatVerb(verb, values).utf8)
            nextArgument = verb.argument + 1
        }

        if highestArgument < values.count {
            let firstBad = highestArgument + 1
            if highestArgument == 0 {
                throw FormatFailure(argument: firstBad, message: "too many arguments; no verbs in format string")
            }
            throw FormatFailure(
                argument: firstBad, message: "too many arguments; only \(highestArgument) used by format string")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Go's `%q` of a single rune: `'x'`.
    static func goQuoteRune(_ scalar: Unicode.Scalar) -> String {
        if scalar == "'" { return "'\\''" }
        var quoted = GoQuote.quote(String(scalar))
        quoted.removeFirst()
        quoted.removeLast()
        if quoted == "\\\"" { quoted = "\"" }
        return "'" + quoted + "'"
    }

    /// cty's `formatAppend`: one verb applied to its argument.
    private static func formatVerb(_ verb: FormatVerb, _ values: [TypedValue]) throws(FormatFailure) -> String {
        let index = verb.argument - 1
        guard index < values.count else {
            throw FormatFailure(
                message: "not enough arguments for \(verb.quotedRaw) at \(verb.offset): need index \(verb.argument) "
                    + "but have \(values.count) total")
        }
        let value = values[index]
        if verb.mode != "v", value.isNull {
            throw FormatFailure(
                message: "unsupported value for \(verb.quotedRaw) at \(verb.offset): null value cannot be formatted")
        }
        func converted(_ type: ValueType) throws(FormatFailure) -> TypedValue {
            do throws(ConversionError) {
                return try TypeConversion.convert(value, to: type)
            } catch {
                throw FormatFailure(
                    message: "unsupported value for \(verb.quotedRaw) at \(verb.offset): \(error.message)")
            }
        }
        switch verb.mode {
        case "v":
            if !verb.sharp {
                switch value {
                case .string(let text): return padded(text, verb)
                case .number(let number): return padded(number.text("g", precision: -1), verb)
                default: break
                }
            }
            do throws(ConversionError) {
                return padded(try value.jsonEncoded(), verb)
            } catch {
                throw FormatFailure(
                    message: "unsupported value for \(verb.quotedRaw) at \(verb.offset): \(error.message)")
            }
        case "t":
            guard case .bool(let flag) = try converted(.bool) else { return "false" }
            return flag ? "true" : "false"
        case "b", "d", "o", "x", "X":
            guard case .number(let number) = try converted(.number), let integer = number.integerValue else {
                throw FormatFailure(
                    message: "unsupported value for \(verb.quotedRaw) at \(verb.offset): an integer is required")
            }
            return formatInteger(integer, verb)
        case "e", "E", "f", "g", "G":
            guard case .number(let number) = try converted(.number) else { return "" }
            return formatFloat(number, verb)
        case "s", "q":
            guard case .string(var text) = try converted(.string) else { return "" }
            if let precision = verb.precision, precision > 0 {
                text = graphemeClusters(text).prefix(precision).joined()
            }
            if verb.mode == "q" {
                text = (try? TypedValue.string(text).jsonEncoded()) ?? text
            }
            return padded(text, verb)
        default:
            throw FormatFailure(
                message:
                    "unsupported format verb \(goQuoteRune(verb.mode)) in \(verb.quotedRaw) at offset \(verb.offset)")
        }
    }

    /// cty's `formatPadWidth`: pads to the width in characters, with zeros for `0`, on the right for `-`.
    private static func padded(_ text: String, _ verb: FormatVerb) -> String {
        guard let width = verb.width else { return text }
        let length = graphemeClusters(text).count
        guard length < width else { return text }
        let padding = String(repeating: verb.zero ? "0" : " ", count: width - length)
        return verb.minus ? text + padding : padding + text
    }

    /// Go's `big.Int.Format` for `%b %d %o %x %X` with `fmt`'s flags (a `-` cancels `0`).
    private static func formatInteger(_ integer: BigInt, _ verb: FormatVerb) -> String {
        let radix: Int
        switch verb.mode {
        case "b": radix = 2
        case "o": radix = 8
        case "x", "X": radix = 16
        default: radix = 10
        }
        let sign = integer.sign == .minus ? "-" : verb.plus ? "+" : verb.space ? " " : ""
        var prefix = ""
        if verb.sharp {
            switch verb.mode {
            case "b": prefix = "0b"
            case "o": prefix = "0"
            case "x": prefix = "0x"
            case "X": prefix = "0X"
            default: break
            }
        }
        let digits = String(integer.magnitude, radix: radix, uppercase: verb.mode == "X")
        var zeros = 0
        if let precision = verb.precision {
            if digits.count < precision {
                zeros = precision - digits.count
            } else if digits == "0", precision == 0 {
                return ""
            }
        }
        var left = 0
        var right = 0
        let length = sign.count + prefix.count + zeros + digits.count
        if let width = verb.width, length < width {
            let pad = width - length
            if verb.minus {
                right = pad
            } else if verb.zero, verb.precision == nil {
                zeros = pad
            } else {
                left = pad
            }
        }
        return String(repeating: " ", count: left) + sign + prefix + String(repeating: "0", count: zeros) + digits
            + String(repeating: " ", count: right)
    }

    /// Go's `big.Float.Format` for `%e %E %f %g %G` with `fmt`'s flags (`#` ignored, `0` wins over `-`).
    private static func formatFloat(_ number: Number, _ verb: FormatVerb) -> String {
        let format = Character(verb.mode)
        let precision: Int
        switch verb.mode {
        case "g", "G": precision = verb.precision ?? -1
        default: precision = verb.precision ?? 6
        }
        var body = Substring(number.text(format, precision: precision))
        var sign = ""
        if body.hasPrefix("-") {
            sign = "-"
            body = body.dropFirst()
        } else if body.hasPrefix("+") {
            sign = verb.space ? " " : "+"
            body = body.dropFirst()
        } else if verb.plus {
            sign = "+"
        } else if verb.space {
            sign = " "
        }
        var padding = 0
        if let width = verb.width, width > sign.count + body.count {
            padding = width - sign.count - body.count
        }
        // Go 1.23's `fmt` keeps `0` with `-`, and `big.Float` looks at `0` first.
        if verb.zero, !number.isInfinite {
            return sign + String(repeating: "0", count: padding) + body
        }
        if verb.minus {
            return sign + body + String(repeating: " ", count: padding)
        }
        return String(repeating: " ", count: padding) + sign + body
    }
}
