import TerraceCore

/// A minimal reader of the small XML documents S3 answers with (errors, listings, versioning).
///
/// It finds elements by name and decodes their text; it does not validate the document. That is enough for
/// S3's flat, namespace-free responses and avoids depending on libxml2.
struct S3XML: Sendable {
    /// The document's text.
    let text: String

    /// Reads `bytes` as UTF-8.
    init(_ bytes: [UInt8]) {
        self.text = String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `text`.
    init(text: String) {
        self.text = text
    }

    /// The decoded text of every element named `name`, in document order (`<name/>` gives "").
    func values(_ name: String) -> [String] {
        elements(name).map { Self.decodeEntities($0) }
    }

    /// The decoded text of the first element named `name`, or nil.
    func value(_ name: String) -> String? {
        values(name).first
    }

    /// The raw contents of every element named `name`, for reading nested elements with another ``S3XML``.
    func elements(_ name: String) -> [String] {
        var results: [String] = []
        var rest = text[...]
        let open = "<" + name
        let close = "</" + name + ">"
        while let start = rest.range(of: open) {
            let afterName = rest[start.upperBound...]
            guard let next = afterName.first else { break }
            // Skip elements whose name merely starts with `name` (`<KeyCount>` when looking for `<Key>`).
            guard next == ">" || next == "/" || next == " " || next == "\t" || next == "\n" || next == "\r" else {
                rest = afterName
                continue
            }
            guard let tagEnd = afterName.firstIndex(of: ">") else { break }
            if afterName[afterName.startIndex..<tagEnd].hasSuffix("/") {
                results.append("")
                rest = afterName[afterName.index(after: tagEnd)...]
                continue
            }
            let body = afterName[afterName.index(after: tagEnd)...]
            guard let end = body.range(of: close) else { break }
            results.append(String(body[body.startIndex..<end.lowerBound]))
            rest = body[end.upperBound...]
        }
        return results
    }

    /// Replaces XML's predefined entities and numeric character references; unwraps CDATA sections.
    static func decodeEntities(_ raw: String) -> String {
        var text = raw
        if text.hasPrefix("<![CDATA["), text.hasSuffix("]]>") {
            return String(text.dropFirst(9).dropLast(3))
        }
        guard text.contains("&") else { return text }
        var result = ""
        result.reserveCapacity(text.count)
        while let amp = text.firstIndex(of: "&") {
            result += text[text.startIndex..<amp]
            let rest = text[text.index(after: amp)...]
            guard let semicolon = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semicolon) <= 10 else {
                result += "&"
                text = String(rest)
                continue
            }
            let entity = rest[rest.startIndex..<semicolon]
            if let decoded = decodeEntity(entity) {
                result.append(decoded)
            } else {
                result += "&" + entity + ";"
            }
            text = String(rest[rest.index(after: semicolon)...])
        }
        return result + text
    }

    private static func decodeEntity(_ entity: Substring) -> Character? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            let scalarValue: UInt32?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                scalarValue = UInt32(entity.dropFirst(2), radix: 16)
            } else if entity.hasPrefix("#") {
                scalarValue = UInt32(entity.dropFirst(1))
            } else {
                scalarValue = nil
            }
            return scalarValue.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }

    /// Escapes `text` for use as element content.
    static func escape(_ text: String) -> String { Markup.escape(text) }
}
