/// A string template: literal text with `${...}` interpolations and `%{ if }` / `%{ for }` directives.
///
/// A whole manifest string is a template, and so is every quoted string inside an expression.
public struct Template: Hashable, Sendable {
    /// One piece of a template.
    public indirect enum Part: Hashable, Sendable {
        /// Literal text, escapes processed and strip markers applied.
        case literal(String)
        /// A `${...}` interpolation.
        case interpolation(Expression)
        /// `%{ if condition }...%{ else }...%{ endif }`; `location` is where the condition starts.
        case conditional(Expression, then: [Part], otherwise: [Part], location: SourceLocation)
        /// `%{ for key, value in collection }...%{ endfor }`.
        case loop(keyName: String?, valueName: String, collection: Expression, body: [Part], location: SourceLocation)
    }

    /// The pieces in order; an empty string has no parts.
    public var parts: [Part]
    /// Where the string's first character sits.
    public var location: SourceLocation
    /// The string as written, before escapes are processed (for a manifest string: its YAML value).
    public var text: String

    /// Creates a template from its parts.
    public init(parts: [Part], location: SourceLocation, text: String) {
        self.parts = parts
        self.location = location
        self.text = text
    }

    /// All references in the template, at any depth, in source order.
    public var references: [Reference] {
        var result: [Reference] = []
        forEachExpression { expression in expression.collectReferences(into: &result) }
        return result
    }

    /// Calls `body` for each top-level expression of the template's parts (interpolations, directive conditions,
    /// collections), in source order; `body` recurses as it needs.
    public func forEachExpression(_ body: (Expression) -> Void) {
        Template.forEachExpression(in: parts, body)
    }

    private static func forEachExpression(in parts: [Part], _ body: (Expression) -> Void) {
        for part in parts {
            switch part {
            case .literal:
                break
            case .interpolation(let expression):
                body(expression)
            case .conditional(let condition, let then, let otherwise, _):
                body(condition)
                forEachExpression(in: then, body)
                forEachExpression(in: otherwise, body)
            case .loop(_, _, let collection, let loopBody, _):
                body(collection)
                forEachExpression(in: loopBody, body)
            }
        }
    }

    /// Whether the template is exactly one `${...}` and nothing else; its value keeps its type.
    public var isSingleInterpolation: Bool {
        if parts.count == 1, case .interpolation = parts[0] { return true }
        return false
    }

    /// Whether the template holds no interpolation or directive at all.
    public var isLiteral: Bool {
        parts.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// The literal text of a template without interpolations or directives.
    public var literalText: String {
        var text = ""
        for part in parts {
            if case .literal(let literal) = part { text += literal }
        }
        return text
    }
}
