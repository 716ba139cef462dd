/// Go's `strconv.Quote` (`%q`), which cty uses in messages (`attribute "x" is required`) and in the bytes that
/// order set elements of non-primitive types.
///
/// A character is kept as it is when Go's `unicode.IsPrint` holds (letters, marks, numbers, punctuation, symbols
/// and the ASCII space, by the Unicode tables of this Swift runtime); otherwise it is escaped as `\a \b \f \n \r \t
/// \v`, `\xNN` below U+0080, `\uNNNN` or `\UNNNNNNNN`.
enum GoQuote {
    /// `text` quoted as Go's `strconv.Quote` does.
    static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` quoted as Go's `strconv.Quote` does to `bytes`.
    static func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Fast path: printable ASCII without quote or backslash.
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x07: bytes.append(contentsOf: [0x5C, UInt8(ascii: "a")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0B: bytes.append(contentsOf: [0x5C, UInt8(ascii: "v")])
            default:
                if isPrint(scalar) {
                    bytes.append(contentsOf: String(scalar).utf8)
                } else if value < 0x80 {
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "x")])
                    appendHex(value, digits: 2, to: &bytes)
                } else if value < 0x10000 {
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                    appendHex(value, digits: 4, to: &bytes)
                } else {
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "U")])
                    appendHex(value, digits: 8, to: &bytes)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Go's `unicode.IsPrint`: graphic characters (L, M, N, P, S) and the ASCII space.
    static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value >= 0x20 && value < 0x7F }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// Appends `value` as `digits` lowercase hexadecimal digits.
    static func appendHex(_ value: UInt32, digits: Int, to bytes: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            bytes.append(hex[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}
