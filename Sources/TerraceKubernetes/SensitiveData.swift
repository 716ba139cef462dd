/// Bytes that must never be shown: a bearer token, a private key, a client certificate, an exec plugin's output.
///
/// Its ``description``, ``debugDescription`` and mirror say `<redacted>`, so neither `print`, string interpolation,
/// `dump` nor a debugger reveals it. Read ``bytes`` or ``text`` only to hand the secret to the wire.
public struct SensitiveData: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret's bytes.
    public let bytes: [UInt8]

    /// Wraps bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Wraps the UTF-8 bytes of a text.
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// The bytes as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether there are no bytes.
    public var isEmpty: Bool { bytes.isEmpty }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }

    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }

    /// No children, so `dump` shows nothing of the secret.
    public var customMirror: Mirror { Mirror(self, children: [(label: String?, value: Any)]()) }
}
