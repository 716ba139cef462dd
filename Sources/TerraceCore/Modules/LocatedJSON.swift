/// A parsed JSON value whose object keys remember where they are in the file.
///
/// Only what reading `.tf.json` declarations needs is kept: numbers are not decoded, and object
/// members stay in file order (duplicate keys included).
enum LocatedJSON: Hashable, Sendable {
    /// A member of an object: its key, the key's position, and its value.
    struct Member: Hashable, Sendable {
        /// The decoded key.
        var key: String
        /// The 1-based line of the key's opening quote.
        var line: Int
        /// The 1-based column (in Unicode scalars) of the key's opening quote.
        var column: Int
        /// The member's value.
        var value: LocatedJSON
    }

    case object([Member])
    case array([LocatedJSON])
    case string(String)
    case number
    case bool(Bool)
    case null

    /// A short name of the value's JSON type, for messages.
    var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}
