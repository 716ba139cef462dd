/// One `output` block of a Terraform module: a value the module exports.
public struct OutputDeclaration: Hashable, Sendable {
    /// The output's name (the block's label).
    public var name: String
    /// Where the block's `output` keyword (or, in `.tf.json`, the name's key) is.
    public var location: SourceLocation
    /// The `description`, unquoted with simple escapes resolved, or nil when absent or not a literal.
    public var description: String?
    /// Whether `sensitive = true`.
    public var sensitive: Bool

    /// Creates an output declaration.
    public init(name: String, location: SourceLocation, description: String? = nil, sensitive: Bool = false) {
        self.name = name
        self.location = location
        self.description = description
        self.sensitive = sensitive
    }
}
