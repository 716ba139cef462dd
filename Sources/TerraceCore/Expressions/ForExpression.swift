/// `[for k, v in collection : value if condition]` or `{for k, v in collection : key => value... if condition}`.
public struct ForExpression: Hashable, Sendable {
    /// The name bound to the index or key, when two names are given.
    public var keyName: String?
    /// The name bound to the element.
    public var valueName: String
    /// What is iterated over.
    public var collection: Expression
    /// The key expression of an object `for` (nil for a tuple `for`).
    public var key: Expression?
    /// The element expression.
    public var value: Expression
    /// The `if` filter, if any.
    public var condition: Expression?
    /// Whether values with the same key are grouped into tuples (`...` after the value).
    public var grouping: Bool
    /// Where `[` or `{` sits.
    public var location: SourceLocation

    /// Creates a `for` expression.
    public init(
        keyName: String?, valueName: String, collection: Expression, key: Expression?, value: Expression,
        condition: Expression?, grouping: Bool, location: SourceLocation
    ) {
        self.keyName = keyName
        self.valueName = valueName
        self.collection = collection
        self.key = key
        self.value = value
        self.condition = condition
        self.grouping = grouping
        self.location = location
    }
}
