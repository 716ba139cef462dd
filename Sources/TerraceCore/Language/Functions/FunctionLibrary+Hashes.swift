import Crypto

/// Terraform's hash functions of strings (the UTF-8 bytes of the string) and `uuidv5`.
extension FunctionLibrary {
    /// The hash functions.
    static let hashes: [FunctionDefinition] = [
        hashFunction("md5") { hex(Insecure.MD5.hash(data: $0)) },
        hashFunction("sha1") { hex(Insecure.SHA1.hash(data: $0)) },
        hashFunction("sha256") { hex(SHA256.hash(data: $0)) },
        hashFunction("sha512") { hex(SHA512.hash(data: $0)) },
        hashFunction("base64sha256") { base64Encoded(Array(SHA256.hash(data: $0))) },
        hashFunction("base64sha512") { base64Encoded(Array(SHA512.hash(data: $0))) },
        FunctionDefinition(
            "uuidv5", [FunctionParameter("namespace", .string), FunctionParameter("name", .string)], returns: .string
        ) { args throws(FunctionError) in
            let namespaceText = try stringArgument(args, 0)
            let namespace: [UInt8]
            switch namespaceText {
            case "dns": namespace = uuidNamespace(0x10)
            case "url": namespace = uuidNamespace(0x11)
            case "oid": namespace = uuidNamespace(0x12)
            case "x500": namespace = uuidNamespace(0x14)
            default:
                do throws(UUIDParseError) {
                    namespace = try parseUUID(namespaceText)
                } catch {
                    throw FunctionError("uuidv5() doesn't support namespace \(namespaceText) (\(error.message))")
                }
            }
            var digest = Array(Insecure.SHA1.hash(data: namespace + Array(try stringArgument(args, 1).utf8)))
            digest[6] = (digest[6] & 0x0F) | 0x50
            digest[8] = (digest[8] & 0x3F) | 0x80
            return .string(formatUUID(Array(digest.prefix(16))))
        },
    ]

    private static func hashFunction(
        _ name: String, _ digest: @escaping @Sendable ([UInt8]) -> String
    ) -> FunctionDefinition {
        FunctionDefinition(name, [FunctionParameter("str", .string)], returns: .string) { args throws(FunctionError) in
            .string(digest(Array(try stringArgument(args, 0).utf8)))
        }
    }

    /// Lowercase hexadecimal digits of `bytes`.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard base64 with padding (Go's `base64.StdEncoding`).
    static func base64Encoded(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The RFC 4122 namespaces `6ba7b8XX-9dad-11d1-80b4-00c04fd430c8`.
    private static func uuidNamespace(_ last: UInt8) -> [UInt8] {
        [0x6B, 0xA7, 0xB8, last, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8]
    }

    private struct UUIDParseError: Error {
        var message: String
    }

    /// Google's `uuid.Parse`: `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, with `urn:uuid:` or `{…}` around it, or 32
    /// hexadecimal digits.
    private static func parseUUID(_ text: String) throws(UUIDParseError) -> [UInt8] {
        var bytes = Array(text.utf8)
        switch bytes.count {
        case 36: break
        case 45:
            let prefix = String(decoding: bytes[0..<9], as: UTF8.self)
            guard prefix.lowercased() == "urn:uuid:" else {
                throw UUIDParseError(message: "invalid urn prefix: \(GoQuote.quote(prefix))")
            }
            bytes.removeFirst(9)
        case 38:
            guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else {
                throw UUIDParseError(message: "invalid bracketed UUID format")
            }
            bytes = Array(bytes[1..<37])
        case 32:
            var result: [UInt8] = []
            for index in stride(from: 0, to: 32, by: 2) {
                guard let byte = hexByte(bytes[index], bytes[index + 1]) else {
                    throw UUIDParseError(message: "invalid UUID format")
                }
                result.append(byte)
            }
            return result
        default:
            throw UUIDParseError(message: "invalid UUID length: \(bytes.count)")
        }
        let dash = UInt8(ascii: "-")
        guard bytes[8] == dash, bytes[13] == dash, bytes[18] == dash, bytes[23] == dash else {
            throw UUIDParseError(message: "invalid UUID format")
        }
        var result: [UInt8] = []
        for index in [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34] {
            guard let byte = hexByte(bytes[index], bytes[index + 1]) else {
                throw UUIDParseError(message: "invalid UUID format")
            }
            result.append(byte)
        }
        return result
    }

    private static func hexByte(_ high: UInt8, _ low: UInt8) -> UInt8? {
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        guard let high = value(high), let low = value(low) else { return nil }
        return high << 4 | low
    }

    private static func formatUUID(_ bytes: [UInt8]) -> String {
        let text = hex(bytes)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(text.utf8.dropFirst(range.lowerBound).prefix(range.count)) ?? ""
        }
        return parts.joined(separator: "-")
    }
}
