/// The `printf`-style formatting behind `format` and `formatlist`.
enum FormatString {
    /// The widest padding a verb may ask for.
    static let maximumWidth = 1000

    /// Formats `values` with the format string in `template`.
    static func format(
        _ template: ExpressionFunction.Argument, _ values: [ExpressionFunction.Argument],
        call: ExpressionFunction.Call
    ) throws(ExpressionError) -> String {
        let scalars = Array(try template.string().unicodeScalars)
        var output = String.UnicodeScalarView()
        var next = 0
        var offset = 0
        while offset < scalars.count {
            let scalar = scalars[offset]
            offset += 1
            guard scalar == "%" else {
                output.append(scalar)
                continue
            }
            let verbStart = offset - 1
            var leftAlign = false
            var zeroPad = false
            var plus = false
            while offset < scalars.count, ["-", "0", "+"].contains(scalars[offset]) {
                switch scalars[offset] {
                case "-": leftAlign = true
                case "0": zeroPad = true
                default: plus = true
                }
                offset += 1
            }
            var width = 0
            while offset < scalars.count, let digit = Int(String(scalars[offset])), scalars[offset].isASCII {
                width = width * 10 + digit
                offset += 1
                if width > maximumWidth {
                    throw template.error("`\(call.name)` width is too large (at most \(maximumWidth))")
                }
            }
            guard offset < scalars.count else {
                throw template.error(
                    "`\(call.name)` format string ends with an incomplete verb `\(text(scalars[verbStart...]))`")
            }
            let verb = scalars[offset]
            offset += 1
            let written = text(scalars[verbStart..<offset])
            if verb == "%" {
                output.append("%")
                continue
            }
            guard ["s", "d", "v", "q", "t"].contains(verb) else {
                throw template.error(
                    "`\(call.name)` does not support the verb `\(written)`",
                    hint: "supported verbs are `%s`, `%d`, `%v`, `%q`, `%t` and `%%`")
            }
            guard next < values.count else {
                throw call.error(
                    "`\(call.name)` has too few arguments: the verb `\(written)` has no value",
                    hint: "pass one value per verb after the format string")
            }
            let argument = values[next]
            next += 1
            var piece = try render(argument, verb: verb, written: written, name: call.name)
            if plus, verb == "d", !piece.hasPrefix("-") { piece = "+" + piece }
            let padding = width - piece.unicodeScalars.count
            if padding > 0 {
                if leftAlign {
                    piece += String(repeating: " ", count: padding)
                } else if zeroPad, verb == "d" {
                    let sign = piece.hasPrefix("-") || piece.hasPrefix("+") ? String(piece.prefix(1)) : ""
                    piece = sign + String(repeating: "0", count: padding) + piece.dropFirst(sign.count)
                } else {
                    piece = String(repeating: zeroPad ? "0" : " ", count: padding) + piece
                }
            }
            output.append(contentsOf: piece.unicodeScalars)
        }
        if next < values.count {
            throw values[next].error(
                "`\(call.name)` got \(values.count) values but its format string uses \(next)",
                hint: "remove the extra arguments or add verbs such as `%s`")
        }
        return String(output)
    }

    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func render(
        _ argument: ExpressionFunction.Argument, verb: Unicode.Scalar, written: String, name: String
    ) throws(ExpressionError) -> String {
        let value = argument.value
        switch verb {
        case "d":
            var parsed: Double?
            switch value {
            case .number(let n): parsed = n
            case .string(let text): parsed = ExpressionFunction.parseNumber(text)
            default: parsed = nil
            }
            guard let number = parsed else {
                throw argument.error(
                    "`\(name)` cannot use `\(written)` with \(value.typeName) argument \(argument.position)")
            }
            guard let whole = ExpressionFunction.wholeNumber(number) else {
                throw argument.error("`\(name)` `\(written)` expects a whole number, got \(Value.format(number))")
            }
            return String(whole)
        case "t":
            guard case .bool(let flag) = value else {
                throw argument.error(
                    "`\(name)` cannot use `\(written)` with \(value.typeName) argument \(argument.position)")
            }
            return flag ? "true" : "false"
        case "v":
            switch value {
            case .null: return "null"
            case .list, .map: return ValueJSON.encode(value, escapeHTML: false)
            default: return value.interpolated ?? ""
            }
        default:  // s, q
            guard case .string = value, let text = value.interpolated else {
                if case .number = value, let text = value.interpolated {
                    return verb == "q" ? ValueJSON.quote(text) : text
                }
                if case .bool = value, let text = value.interpolated {
                    return verb == "q" ? ValueJSON.quote(text) : text
                }
                throw argument.error(
                    "`\(name)` cannot use `\(written)` with \(value.typeName) argument \(argument.position)",
                    hint: value.typeName == "null" ? nil : "use `%v` or `jsonencode` for lists and maps")
            }
            return verb == "q" ? ValueJSON.quote(text) : text
        }
    }
}
