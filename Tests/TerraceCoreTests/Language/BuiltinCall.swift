@testable import TerraceCore

/// Calls a built-in function the way the evaluator does (argument count, conversion to the parameter types, null
/// and unknown handling), so that tests see what a template would see.
enum BuiltinCall {
    static func call(_ name: String, _ arguments: [TypedValue]) throws -> TypedValue {
        guard let function = FunctionLibrary.all[name] else { throw FunctionError("no function \(name)") }
        if arguments.count < function.parameters.count
            || (function.variadic == nil && arguments.count > function.parameters.count)
        {
            throw FunctionError("wrong number of arguments")
        }
        var converted: [TypedValue] = []
        var anyUnknown = false
        for (index, argument) in arguments.enumerated() {
            guard let parameter = function.parameter(at: index) else { throw FunctionError("too many arguments") }
            let value: TypedValue
            do {
                value = try TypeConversion.convert(argument, to: parameter.type)
            } catch {
                throw FunctionError(argument: index, "invalid value: \(error.message)")
            }
            if value.isNull, !parameter.allowNull {
                throw FunctionError(argument: index, "argument must not be null")
            }
            if !parameter.allowUnknown, !value.isWhollyKnown { anyUnknown = true }
            converted.append(value)
        }
        if anyUnknown { return .unknown(function.returnType ?? .dynamic) }
        return try function.implementation(converted)
    }
}
