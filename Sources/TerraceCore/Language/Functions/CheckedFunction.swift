/// A parameter of a checked function: `FunctionParameter`, whose `allowUnknown` and `allowDynamicType` the wrapper
/// applies itself, the way cty does (an argument that is itself unknown, not one holding an unknown, stops the body).
typealias CheckedParameter = FunctionParameter

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
            var handedOver = parameter
            handedOver.allowUnknown = true
            handedOver.allowDynamicType = true
            return handedOver
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
