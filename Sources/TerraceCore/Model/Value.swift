/// A dynamically typed value: what a manifest's YAML, an expression or a Terraform output holds.
///
/// `unknown` stands for a value that will only be known after an upstream unit is applied
/// (like Terraform's "known after apply"); it propagates through expressions.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Number)
    case string(String)
    case list([Value])
    case map([String: Value])
    case unknown

    /// A short name of the value's type, for messages: `string`, `number`, `bool`, `list`, `map`, `null`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .list: "list"
        case .map: "map"
        case .unknown: "unknown"
        }
    }

    /// Whether this value, or any value inside it, is `unknown`.
    public var containsUnknown: Bool {
        switch self {
        case .unknown: true
        case .list(let items): items.contains { $0.containsUnknown }
        case .map(let entries): entries.values.contains { $0.containsUnknown }
        default: false
        }
    }

    /// The string form used when the value is interpolated into a string, or nil for lists and maps.
    public var interpolated: String? {
        switch self {
        case .string(let text): text
        case .number(let number): number.description
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        case .list, .map, .unknown: nil
        }
    }

    /// Formats a number as Terraform does: the shortest decimal form, integers without a fractional part.
    public static func format(_ number: Number) -> String {
        number.description
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Number(value)) }
    public init(floatLiteral value: Double) { self = .number(Number(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
