extension Expression {
    /// One `key = value` entry of a map literal.
    public struct MapEntry: Hashable, Sendable {
        /// The key, from an identifier or a string literal.
        public var key: String
        /// Where the key starts.
        public var keyLocation: SourceLocation
        /// The value expression.
        public var value: Expression

        /// Creates an entry.
        public init(key: String, keyLocation: SourceLocation, value: Expression) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }
}
