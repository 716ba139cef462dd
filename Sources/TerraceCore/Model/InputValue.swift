/// A unit input as written in a manifest: literal values, templates with `${...}`, lists and maps of them.
public indirect enum InputValue: Hashable, Sendable {
    /// A literal that contains no template (numbers, booleans, null, plain strings).
    case literal(Value, SourceLocation)
    /// A string containing at least one `${...}`.
    case template(Template)
    /// A list of inputs.
    case list([InputValue], SourceLocation)
    /// A map of inputs, by key.
    case map([String: InputValue], SourceLocation)

    /// Where the input was written.
    public var location: SourceLocation {
        switch self {
        case .literal(_, let location), .list(_, let location), .map(_, let location): location
        case .template(let template): template.location
        }
    }

    /// Every reference inside the input, in order of appearance.
    public var references: [Reference] {
        switch self {
        case .literal: []
        case .template(let template): template.references
        case .list(let items, _): items.flatMap(\.references)
        case .map(let entries, _): entries.keys.sorted().flatMap { entries[$0]?.references ?? [] }
        }
    }

    /// Every template inside the input.
    public var templates: [Template] {
        switch self {
        case .literal: []
        case .template(let template): [template]
        case .list(let items, _): items.flatMap(\.templates)
        case .map(let entries, _): entries.keys.sorted().flatMap { entries[$0]?.templates ?? [] }
        }
    }
}
