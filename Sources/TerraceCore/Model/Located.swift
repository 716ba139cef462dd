/// A value together with where it was written.
public struct Located<Wrapped: Hashable & Sendable>: Hashable, Sendable {
    /// The value.
    public var value: Wrapped
    /// Where the value was written.
    public var location: SourceLocation

    /// Creates a located value.
    public init(_ value: Wrapped, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}
