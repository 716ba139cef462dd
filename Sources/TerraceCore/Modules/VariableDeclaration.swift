/// One `variable` block of a Terraform module: an input the module declares.
public struct VariableDeclaration: Hashable, Sendable {
    /// The variable's name (the block's label).
    public var name: String
    /// Where the block's `variable` keyword (or, in `.tf.json`, the name's key) is.
    public var location: SourceLocation
    /// Whether the block sets a `default` (`default = null` counts).
    public var hasDefault: Bool
    /// The source text of the `type` expression, trimmed (`list(string)`), or nil when there is none.
    ///
    /// A type spanning several lines keeps its line breaks and any comments between its tokens.
    public var type: String?
    /// The `description`, unquoted with simple escapes resolved, or nil when absent or not a literal.
    public var description: String?
    /// Whether `sensitive = true`.
    public var sensitive: Bool
    /// Whether the variable accepts `null`; false only with `nullable = false`.
    public var nullable: Bool

    /// Whether a caller must set the variable: it has no default.
    public var isRequired: Bool { !hasDefault }

    /// Creates a variable declaration.
    public init(
        name: String,
        location: SourceLocation,
        hasDefault: Bool = false,
        type: String? = nil,
        description: String? = nil,
        sensitive: Bool = false,
        nullable: Bool = true
    ) {
        self.name = name
        self.location = location
        self.hasDefault = hasDefault
        self.type = type
        self.description = description
        self.sensitive = sensitive
        self.nullable = nullable
    }
}
