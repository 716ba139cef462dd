/// A built-in function callable inside `${...}`: its signature (for static checks) and its body.
struct ExpressionFunction: Sendable {
    /// What a parameter accepts, or what a function returns.
    enum Kind: Sendable, Hashable {
        case string, number, bool, list, map, any
        /// A list, a map or a string (for `length`).
        case collection

        /// How the kind is named in messages, with its article.
        var phrase: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .bool: "a bool"
            case .list: "a list"
            case .map: "a map"
            case .any: "a value"
            case .collection: "a list, map or string"
            }
        }

        /// Whether a value of this kind is accepted, converting strings, numbers and bools as Terraform does.
        func accepts(_ value: Value) -> Bool {
            switch (self, value) {
            case (.any, _), (_, .unknown): true
            case (.string, .string), (.string, .number), (.string, .bool): true
            case (.number, .number): true
            case (.number, .string(let text)): ExpressionFunction.parseNumber(text) != nil
            case (.bool, .bool): true
            case (.bool, .string(let text)): text == "true" || text == "false"
            case (.list, .list), (.map, .map): true
            case (.collection, .list), (.collection, .map), (.collection, .string): true
            default: false
            }
        }

        /// Whether a value whose kind is statically `other` might be accepted.
        func mayAccept(_ other: Kind) -> Bool {
            switch (self, other) {
            case (.any, _), (_, .any): true
            case (.string, .list), (.string, .map), (.number, .list), (.number, .map), (.bool, .list), (.bool, .map):
                false
            case (.list, .string), (.list, .number), (.list, .bool), (.list, .map): false
            case (.map, .string), (.map, .number), (.map, .bool), (.map, .list): false
            case (.collection, .number), (.collection, .bool): false
            default: true
            }
        }
    }

    /// One evaluated argument, with where it was written.
    struct Argument: Sendable {
        var value: Value
        var location: SourceLocation
        /// The 1-based position of the argument.
        var position: Int
        /// The function the argument is passed to.
        var function: String
    }

    /// A call being evaluated.
    struct Call: Sendable {
        var name: String
        var location: SourceLocation
        var arguments: [Argument]

        /// The argument at `index` (0-based), or a null argument at the call's location when there is none.
        subscript(_ index: Int) -> Argument {
            arguments.indices.contains(index)
                ? arguments[index]
                : Argument(value: .null, location: location, position: index + 1, function: name)
        }

        /// An error at the call's location.
        func error(_ message: String, hint: String? = nil) -> ExpressionError {
            ExpressionError(at: location, message, hint: hint)
        }
    }

    typealias Body = @Sendable (Call) throws(ExpressionError) -> Value

    var name: String
    var required: [Kind]
    var optional: [Kind] = []
    var variadic: Kind? = nil
    var result: Kind
    var body: Body

    init(
        _ name: String, _ required: [Kind], optional: [Kind] = [], variadic: Kind? = nil, result: Kind,
        body: @escaping Body
    ) {
        self.name = name
        self.required = required
        self.optional = optional
        self.variadic = variadic
        self.result = result
        self.body = body
    }

    /// The kind of the parameter at `index` (0-based), or nil past the end.
    func parameter(at index: Int) -> Kind? {
        if index < required.count { return required[index] }
        if index - required.count < optional.count { return optional[index - required.count] }
        return variadic
    }

    /// The error for a call with the wrong number of arguments, or nil when `count` is fine.
    func arityError(count: Int, at location: SourceLocation) -> ExpressionError? {
        let minimum = required.count
        let maximum = variadic == nil ? required.count + optional.count : Int.max
        guard count < minimum || count > maximum else { return nil }
        func arguments(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        let expectation: String
        if maximum == Int.max {
            expectation = "at least \(arguments(minimum))"
        } else if minimum == maximum {
            expectation = arguments(minimum)
        } else if maximum == minimum + 1 {
            expectation = "\(minimum) or \(arguments(maximum))"
        } else {
            expectation = "\(minimum) to \(arguments(maximum))"
        }
        return ExpressionError(at: location, "`\(name)` takes \(expectation), got \(count)")
    }

    /// All built-in functions by name.
    static let all: [String: ExpressionFunction] = {
        var table: [String: ExpressionFunction] = [:]
        for function in strings + collections + conversions + numbers + encodings + network {
            table[function.name] = function
        }
        return table
    }()

    /// The names of all built-in functions, sorted.
    static let names: [String] = all.keys.sorted()

    /// Parses a number written as in an expression: `-12`, `3.5`, `1e3`; nil for anything else or non-finite.
    static func parseNumber(_ text: String) -> Double? {
        var sawDigit = false
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                if offset == 0, byte == UInt8(ascii: "+") { return nil }
            default: return nil
            }
        }
        guard sawDigit, let number = Double(text), number.isFinite else { return nil }
        return number
    }

    /// The number as an `Int` when it is whole and exactly representable, else nil.
    static func wholeNumber(_ number: Double) -> Int? {
        guard number.isFinite, number == number.rounded(), abs(number) <= 9_007_199_254_740_992 else { return nil }
        return Int(number)
    }
}
