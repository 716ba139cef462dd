/// Why a CIDR prefix is invalid, or why a subnet or host cannot be computed from it.
public struct CIDRError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A one-line message naming the offending text in backticks, e.g. "`10.0.0.0/33`: prefix length must be 0-32".
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
