/// Byte-level substring search on UTF-8, as Go's `strings` package (and so Terraform) does it.
enum StringSearch {
    /// The non-overlapping ranges of `needle` in `haystack`, left to right; `needle` must not be empty.
    static func ranges(of needle: [UInt8], in haystack: [UInt8]) -> [Range<Int>] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var result: [Range<Int>] = []
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            var matches = true
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] {
                matches = false
                break
            }
            if matches {
                result.append(start..<(start + needle.count))
                start += needle.count
            } else {
                start += 1
            }
        }
        return result
    }

    /// Splits `text` at every `separator`; an empty separator splits into Unicode scalars.
    static func split(_ text: String, separator: String) -> [String] {
        if separator.isEmpty {
            return text.unicodeScalars.map { String($0) }
        }
        let bytes = Array(text.utf8)
        var pieces: [String] = []
        var start = 0
        for range in ranges(of: Array(separator.utf8), in: bytes) {
            pieces.append(String(decoding: bytes[start..<range.lowerBound], as: UTF8.self))
            start = range.upperBound
        }
        pieces.append(String(decoding: bytes[start...], as: UTF8.self))
        return pieces
    }

    /// Replaces every `target` in `text`; an empty target inserts `replacement` around every scalar.
    static func replace(_ text: String, _ target: String, with replacement: String) -> String {
        if target.isEmpty {
            var result = replacement
            for scalar in text.unicodeScalars {
                result.unicodeScalars.append(scalar)
                result += replacement
            }
            return result
        }
        let pieces = split(text, separator: target)
        return pieces.joined(separator: replacement)
    }
}
