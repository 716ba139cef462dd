/// A value of Terraform's expression language, with its type (cty's `Value`).
///
/// The evaluator works on typed values; the rest of Terrace stores plain `Value`s (JSON-like). A `Value` becomes a
/// `TypedValue` structurally (lists become tuples, maps become objects), and any `TypedValue` becomes a `Value` by
/// forgetting the collection kinds.
///
/// Invariants: the elements of `list`, `set` and `map` all have the element type (or are null or unknown of it);
/// the elements of a `set` are distinct and kept in Terraform's set order (see `TypedValue.set(_:of:)`).
public indirect enum TypedValue: Hashable, Sendable {
    /// A null of a type; `null(.dynamic)` is the untyped `null` literal.
    case null(ValueType)
    /// A value that will only be known after apply (an output of a unit that has not been applied yet).
    case unknown(ValueType)
    case bool(Bool)
    case number(Number)
    case string(String)
    /// A list: elements and the element type.
    case list([TypedValue], ValueType)
    /// A set: distinct elements in set order, and the element type.
    case set([TypedValue], ValueType)
    /// A map: entries and the element type.
    case map([String: TypedValue], ValueType)
    /// A tuple: a sequence whose elements each have their own type (what `[a, b]` makes).
    case tuple([TypedValue])
    /// An object: attributes each with their own type (what `{a = 1}` makes).
    case object([String: TypedValue])

    /// The value's type.
    public var type: ValueType {
        switch self {
        case .null(let type), .unknown(let type): type
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .list(_, let element): .list(element)
        case .set(_, let element): .set(element)
        case .map(_, let element): .map(element)
        case .tuple(let elements): .tuple(elements.map(\.type))
        case .object(let attributes): .object(attributes.mapValues(\.type))
        }
    }

    /// Whether the value itself is null (not its elements).
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Whether the value itself is unknown (not its elements).
    public var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }

    /// Whether the value is known all the way down: no unknown value anywhere inside it.
    public var isWhollyKnown: Bool {
        switch self {
        case .unknown: false
        case .null, .bool, .number, .string: true
        case .list(let items, _), .set(let items, _), .tuple(let items): items.allSatisfy(\.isWhollyKnown)
        case .map(let entries, _), .object(let entries): entries.values.allSatisfy(\.isWhollyKnown)
        }
    }

    /// The elements of a list, set or tuple, in order; nil for other values.
    public var sequenceElements: [TypedValue]? {
        switch self {
        case .list(let items, _), .set(let items, _), .tuple(let items): items
        default: nil
        }
    }

    /// The entries of a map or object; nil for other values.
    public var mapEntries: [String: TypedValue]? {
        switch self {
        case .map(let entries, _), .object(let entries): entries
        default: nil
        }
    }

    /// The untyped `null` literal.
    public static let nullValue = TypedValue.null(.dynamic)
    /// An unknown value of unknown type.
    public static let unknownValue = TypedValue.unknown(.dynamic)
    /// `true`.
    public static let `true` = TypedValue.bool(true)
    /// `false`.
    public static let `false` = TypedValue.bool(false)
}

extension TypedValue {
    /// The typed form of a plain value: lists become tuples and maps objects, as a JSON document decodes in
    /// Terraform; `unknown` becomes an unknown of unknown type.
    public init(_ value: Value) {
        switch value {
        case .null: self = .null(.dynamic)
        case .unknown: self = .unknown(.dynamic)
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .list(let items): self = .tuple(items.map(TypedValue.init))
        case .map(let entries): self = .object(entries.mapValues(TypedValue.init))
        }
    }
}

extension Value {
    /// The plain form of a typed value: lists, sets and tuples become lists; maps and objects become maps; a null
    /// of any type becomes `null`, and a value that holds an unknown anywhere stays unknown only where it is.
    public init(_ typed: TypedValue) {
        switch typed {
        case .null: self = .null
        case .unknown: self = .unknown
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .list(let items, _), .set(let items, _), .tuple(let items): self = .list(items.map(Value.init))
        case .map(let entries, _), .object(let entries): self = .map(entries.mapValues(Value.init))
        }
    }
}
