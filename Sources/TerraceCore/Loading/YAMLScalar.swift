/// Resolution of plain YAML scalars by the YAML 1.2 core schema, without regular expressions.
///
/// `yes`/`no`/`on`/`off` stay strings (no "Norway problem"); only `true`/`false`, `null`/`~`/empty,
/// decimal, octal (`0o`), hexadecimal (`0x`) integers and decimal floats are converted.
enum YAMLScalar {
    /// The value of a plain (unquoted) scalar.
    static func resolvePlain(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(Number.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(Number.negativeInfinity)
        default: break
        }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || first == UInt8(ascii: ".") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return .string(text) }
        if text.hasPrefix("0x"), let number = Int64(text.dropFirst(2), radix: 16) { return .number(Number(Int(number))) }
        if text.hasPrefix("0o"), let number = Int64(text.dropFirst(2), radix: 8) { return .number(Number(Int(number))) }
        if isDecimalNumber(text), let number = Number(parsing: yamlDecimal(text)) { return .number(number) }
        return .string(text)
    }

    /// Whether `text` is `[-+]?digits[.digits][e[-+]digits]` (or `.5`), as the core schema accepts.
    private static func isDecimalNumber(_ text: String) -> Bool {
        var bytes = text.utf8[...]
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var digits = 0
        var seenDot = false
        var seenExponent = false
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."):
                if seenDot || seenExponent { return false }
                seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                if seenExponent || digits == 0 { return false }
                seenExponent = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E") { return false }
            default: return false
            }
            previous = byte
        }
        return digits > 0 && previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E")
            && previous != UInt8(ascii: "-") && previous != UInt8(ascii: "+")
    }

    /// A YAML decimal in the form Terraform's number parser reads: no leading `+`, a digit before a leading dot.
    private static func yamlDecimal(_ text: String) -> String {
        var text = Substring(text)
        var sign = ""
        if text.hasPrefix("+") { text = text.dropFirst() } else if text.hasPrefix("-") { sign = "-"; text = text.dropFirst() }
        let digits = text.hasSuffix(".") ? text + "0" : text
        if digits.hasPrefix(".") { return sign + "0" + digits }
        return sign + digits
    }
}
