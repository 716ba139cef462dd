import Crypto

/// An incremental SHA-256 over strings and bytes, rendered as `sha256:<hex>`.
public struct ContentDigest: Sendable {
    private var hasher = SHA256()

    /// Creates an empty digest.
    public init() {}

    /// Adds a string followed by a separator byte, so that `("ab", "c")` and `("a", "bc")` differ.
    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: [0])
    }

    /// Adds raw bytes, prefixed by their length.
    public mutating func add(bytes: [UInt8]) {
        add(String(bytes.count))
        hasher.update(data: bytes)
    }

    /// The digest as `sha256:` followed by 64 lowercase hex digits.
    public func finalize() -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = Array("sha256:".utf8)
        hex.reserveCapacity(71)
        for byte in hasher.finalize() {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The digest of one string.
    public static func of(_ text: String) -> String {
        var digest = ContentDigest()
        digest.add(text)
        return digest.finalize()
    }
}
