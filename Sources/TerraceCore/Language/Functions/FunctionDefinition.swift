/// A built-in function of the expression language: its parameters (which drive argument conversion, null and
/// unknown handling, and static checks) and its implementation.
///
/// The evaluator calls a function in these steps, as Terraform does:
/// 1. the number of arguments is checked against `parameters` and `variadic`;
/// 2. each argument is converted to its parameter's type (`dynamic` accepts anything unchanged);
/// 3. a null argument fails unless the parameter has `allowNull`;
/// 4. an argument of unknown type for a `dynamic` parameter without `allowDynamicType` makes the result an unknown
///    of unknown type;
/// 5. an argument that is unknown or holds an unknown fails nothing: unless the parameter has `allowUnknown`,
///    the call's result is `unknown(returnType ?? .dynamic)` without calling `implementation`;
/// 6. `implementation` runs with the converted arguments.
struct FunctionDefinition: Sendable {
    /// The function's body. Throws `FunctionError`, which the evaluator locates at the argument it names.
    typealias Implementation = @Sendable ([TypedValue]) throws(FunctionError) -> TypedValue

    /// The name the function is called by.
    var name: String
    /// The fixed parameters, in order.
    var parameters: [FunctionParameter]
    /// The parameter that takes every argument after the fixed ones, if any.
    var variadic: FunctionParameter?
    /// The result type when it is known without the arguments' values (for unknown results); nil: `dynamic`.
    var returnType: ValueType?
    /// The body.
    var implementation: Implementation

    init(
        _ name: String, _ parameters: [FunctionParameter], variadic: FunctionParameter? = nil,
        returns returnType: ValueType? = nil, implementation: @escaping Implementation
    ) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.returnType = returnType
        self.implementation = implementation
    }

    /// The parameter that the argument at `index` (0-based) is passed to, or nil past the end.
    func parameter(at index: Int) -> FunctionParameter? {
        if index < parameters.count { return parameters[index] }
        return variadic
    }
}

/// One parameter of a built-in function.
struct FunctionParameter: Sendable {
    /// The parameter's name, as Terraform's documentation gives it (used in messages).
    var name: String
    /// The type the argument is converted to; `dynamic` takes the argument as it is.
    var type: ValueType
    /// Whether a null argument is passed to the implementation instead of failing.
    var allowNull: Bool
    /// Whether an argument that is (or holds) an unknown is passed to the implementation instead of making the
    /// result unknown.
    var allowUnknown: Bool
    /// For a `dynamic` parameter: whether an argument whose type is not known (the untyped `null`, an unknown of
    /// unknown type) is passed to the implementation. When not, the result is an unknown of unknown type, as cty
    /// does: `format("%s", null)` is unknown in Terraform.
    var allowDynamicType: Bool

    init(
        _ name: String, _ type: ValueType, allowNull: Bool = false, allowUnknown: Bool = false,
        allowDynamicType: Bool = false
    ) {
        self.name = name
        self.type = type
        self.allowNull = allowNull
        self.allowUnknown = allowUnknown
        self.allowDynamicType = allowDynamicType
    }
}

/// A failure inside a function's implementation.
struct FunctionError: Error, Sendable, Equatable {
    /// The 0-based index of the argument at fault, or nil when the call as a whole failed.
    var argument: Int?
    /// A one-line message starting in lowercase, e.g. "invalid value for \"str\" parameter: string required".
    var message: String

    init(argument: Int? = nil, _ message: String) {
        self.argument = argument
        self.message = message
    }
}

/// Every built-in function, by name.
enum FunctionLibrary {
    /// The table the evaluator looks functions up in.
    static let all: [String: FunctionDefinition] = {
        var table: [String: FunctionDefinition] = [:]
        let groups: [[FunctionDefinition]] = [
            strings, formatting, regexes, encodings, hashes, dates,
            collections, sets, conversions, numbers, networks,
        ]
        for group in groups {
            for function in group { table[function.name] = function }
        }
        return table
    }()

    /// The names of all built-in functions, sorted.
    static let names: [String] = all.keys.sorted()

    /// Pure functions Terraform has that Terrace does not, with the reason.
    static let unsupported: [String: String] = [
        "base64gzip":
            "its result is the exact bytes of Go's gzip compressor, which Terrace cannot reproduce; compress in the module instead"
    ]

    /// Functions Terraform has that read files, the clock or randomness: not available in manifests.
    static let impure: Set<String> = [
        "file", "fileexists", "fileset", "filebase64", "filebase64sha256", "filebase64sha512", "filemd5",
        "filesha1", "filesha256", "filesha512", "templatefile", "templatestring", "timestamp", "plantimestamp", "uuid",
        "bcrypt", "abspath", "pathexpand", "rsadecrypt", "ephemeralasnull", "sensitive", "nonsensitive", "issensitive",
    ]
}
