/// A manifest input string split into literal text and `${...}` expressions.
public struct Template: Hashable, Sendable {
    /// One piece of a template.
    public enum Part: Hashable, Sendable {
        /// Literal text, with `$${` escapes already turned into `${`.
        case literal(String)
        /// A `${...}` expression.
        case expression(Expression)
    }

    /// The pieces in order; adjacent literal text is merged, and an empty string has no parts.
    public var parts: [Part]
    /// Where the string's first character sits.
    public var location: SourceLocation
    /// The string as written, before escapes are processed.
    public var text: String

    /// Creates a template from its parts.
    public init(parts: [Part], location: SourceLocation, text: String) {
        self.parts = parts
        self.location = location
        self.text = text
    }

    /// All references in the template, in source order, including those inside function arguments.
    public var references: [Reference] {
        var result: [Reference] = []
        for part in parts {
            if case .expression(let expression) = part { expression.collectReferences(into: &result) }
        }
        return result
    }

    /// Whether the template is exactly one `${...}` and nothing else; its value keeps its type.
    public var isSingleExpression: Bool {
        if parts.count == 1, case .expression = parts[0] { return true }
        return false
    }

    /// Whether the template holds no expression at all.
    public var isLiteral: Bool {
        !parts.contains { if case .expression = $0 { true } else { false } }
    }

    /// The literal text of the template (escapes processed), ignoring any expressions.
    public var literalText: String {
        var text = ""
        for part in parts {
            if case .literal(let literal) = part { text += literal }
        }
        return text
    }
}
