/// A parameter as Terraform's function system (cty) declares it, with the two flags `FunctionParameter` leaves to
/// the function: whether an unknown argument reaches the body, and whether an argument of unknown type does.
struct CheckedParameter: Sendable {
    /// The parameter's name, as Terraform's documentation gives it.
    var name: String
    /// The type the argument is converted to; `dynamic` takes the argument as it is.
    var type: ValueType
    /// Whether a null argument is passed to the body instead of failing.
    var allowNull: Bool
    /// Whether an argument that is itself unknown reaches the body; when not, the result is an unknown of the type
    /// the type check computed. (Like cty, this looks at the argument only, not at the elements inside it.)
    var allowUnknown: Bool
    /// Whether an argument whose type is `dynamic` (an unknown of unknown type, or an untyped null) reaches the type
    /// check; when not, the result is an unknown of unknown type.
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

/// Builds `FunctionDefinition`s the way cty runs a function: a type check computes the result type from the
/// (converted) arguments and may reject them, then unknown arguments short-circuit to an unknown of that type, and
/// only then does the body run, knowing the result type.
///
/// The evaluator converts arguments and rejects nulls; every parameter is handed to it with `allowUnknown` so that
/// unknowns reach this wrapper, which applies cty's rules (a nested unknown does not stop the body).
enum CheckedFunction {
    /// Computes the result type from the arguments, or fails as cty's type functions do.
    typealias TypeCheck = @Sendable ([TypedValue]) throws(FunctionError) -> ValueType
    /// The body: the arguments and the result type the type check computed.
    typealias Body = @Sendable ([TypedValue], ValueType) throws(FunctionError) -> TypedValue

    /// A function whose type check and body are given separately.
    static func make(
        _ name: String, _ parameters: [CheckedParameter], variadic: CheckedParameter? = nil,
        returns returnType: ValueType? = nil, type typeCheck: @escaping TypeCheck, body: @escaping Body
    ) -> FunctionDefinition {
        func plain(_ parameter: CheckedParameter) -> FunctionParameter {
            FunctionParameter(
                parameter.name, parameter.type, allowNull: parameter.allowNull, allowUnknown: true, allowDynamicType: true)
        }
        return FunctionDefinition(
            name, parameters.map(plain), variadic: variadic.map(plain), returns: returnType
        ) { arguments throws(FunctionError) in
            func parameter(_ index: Int) -> CheckedParameter? {
                index < parameters.count ? parameters[index] : variadic
            }
            for (index, argument) in arguments.enumerated() {
                if argument.type == .dynamic, parameter(index)?.allowDynamicType != true { return .unknown(.dynamic) }
            }
            let resultType = try typeCheck(arguments)
            for (index, argument) in arguments.enumerated() where argument.isUnknown {
                if parameter(index)?.allowUnknown != true { return .unknown(resultType) }
            }
            return try body(arguments, resultType)
        }
    }

    /// A function whose result type does not depend on its arguments.
    static func make(
        _ name: String, _ parameters: [CheckedParameter], variadic: CheckedParameter? = nil,
        returns returnType: ValueType, body: @escaping Body
    ) -> FunctionDefinition {
        make(name, parameters, variadic: variadic, returns: returnType, type: { _ in returnType }, body: body)
    }
}
