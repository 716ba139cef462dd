/// Checks that a manifest's bytes are text Terrace can read: UTF-8, with no NUL or other control bytes that
/// mark a binary file. Decoding would otherwise replace bad bytes silently and read something else than was written.
enum ManifestBytes {
    /// The first problem of `bytes` as a diagnostic at its line and column, or nil when they are readable text.
    static func problem(in bytes: [UInt8], file: String) -> Diagnostic? {
        if let offset = firstControlByte(in: bytes) {
            return .error(
                location(of: offset, in: bytes, file: file),
                "not a text file: byte 0x\(hex(bytes[offset])) is a control character",
                hint: "a manifest is UTF-8 YAML text; remove the binary file or rename it away from .yaml")
        }
        if let offset = firstInvalidUTF8(in: bytes) {
            return .error(
                location(of: offset, in: bytes, file: file), "not valid UTF-8: byte 0x\(hex(bytes[offset])) is not part of a character",
                hint: "save the file as UTF-8")
        }
        return nil
    }

    /// The first byte below 0x20 other than tab, line feed and carriage return, or DEL.
    static func firstControlByte(in bytes: [UInt8]) -> Int? {
        bytes.firstIndex { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            for next in 1..<length {
                guard index + next < bytes.count else { return index }
                let byte = bytes[index + next]
                let (minimum, maximum) = next == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
                guard byte >= minimum && byte <= maximum else { return index }
            }
            index += length
        }
        return nil
    }

    /// The line and column (in characters of the valid text before it) of the byte at `offset`.
    static func location(of offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
