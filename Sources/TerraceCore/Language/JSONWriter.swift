/// Writes `TypedValue`s as JSON into a byte buffer.
struct JSONWriter {
    /// The JSON text so far, UTF-8.
    var bytes: [UInt8] = []
    /// Whether `<`, `>` and `&` in strings are written as `\u003c`, `\u003e` and `\u0026`, as Terraform's
    /// `jsonencode` (Go's `encoding/json`) does.
    let escapeHTML: Bool

    init(escapeHTML: Bool = true) {
        self.escapeHTML = escapeHTML
        bytes.reserveCapacity(256)
    }

    /// Appends `value`.
    mutating func write(_ value: TypedValue) throws(ConversionError) {
        switch value {
        case .unknown:
            throw ConversionError(message: "value is not known")
        case .null:
            bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
        case .bool(let flag):
            if flag {
                bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])  // true
            } else {
                bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])  // false
            }
        case .number(let number):
            try writeNumber(number)
        case .string(let text):
            writeString(text)
        case .list(let items, _), .set(let items, _), .tuple(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                do {
                    try write(item)
                } catch {
                    throw ConversionError(path: [ConversionError.indexStep(index)] + error.path, message: error.message)
                }
            }
            bytes.append(UInt8(ascii: "]"))
        case .map(let entries, _):
            try writeObject(entries, attributes: false)
        case .object(let attributes):
            try writeObject(attributes, attributes: true)
        }
    }

    private mutating func writeObject(_ entries: [String: TypedValue], attributes: Bool) throws(ConversionError) {
        bytes.append(UInt8(ascii: "{"))
        let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (index, key) in keys.enumerated() {
            guard let item = entries[key] else { continue }
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
            do {
                try write(item)
            } catch {
                let step = attributes ? ConversionError.attributeStep(key) : ConversionError.keyStep(key)
                throw ConversionError(path: [step] + error.path, message: error.message)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeNumber(_ number: Number) throws(ConversionError) {
        if number.isInfinite { throw ConversionError(message: "cannot serialize infinity as JSON") }
        if let whole = number.intValue, whole != 0 || !number.isNegative {
            bytes.append(contentsOf: String(whole).utf8)
        } else {
            bytes.append(contentsOf: number.description.utf8)
        }
    }

    /// Appends `text` as a JSON string, escaped as Go's `encoding/json` does (HTML escaping per `escapeHTML`).
    mutating func writeString(_ text: String) {
        let safe = escapeHTML ? JSONWriter.safeASCII : JSONWriter.safeASCIIWithoutHTML
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { buffer in
            var start = 0
            var index = 0
            let count = buffer.count
            while index < count {
                let byte = buffer[index]
                if byte < 0x80 {
                    if safe[Int(byte)] {
                        index += 1
                        continue
                    }
                    if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index])) }
                    switch byte {
                    case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                    case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                    case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                    case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                    case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                    case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                    case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                    default:
                        bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                        GoQuote.appendHex(UInt32(byte), digits: 2, to: &bytes)
                    }
                    index += 1
                    start = index
                } else if byte == 0xE2, index + 2 < count, buffer[index + 1] == 0x80,
                    buffer[index + 2] == 0xA8 || buffer[index + 2] == 0xA9
                {
                    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR.
                    if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index])) }
                    bytes.append(contentsOf: Array("\\u202".utf8))
                    bytes.append(buffer[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                    index += 3
                    start = index
                } else {
                    index += 1
                }
            }
            if start < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// ASCII bytes written as they are: printable, not `"`, `\`, `<`, `>` or `&`.
    private static let safeASCII: [Bool] = (0..<128).map { byte in
        byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x3C && byte != 0x3E && byte != 0x26
    }

    /// ASCII bytes written as they are without HTML escaping: printable, not `"` or `\`.
    private static let safeASCIIWithoutHTML: [Bool] = (0..<128).map { byte in
        byte >= 0x20 && byte != 0x22 && byte != 0x5C
    }
}
