extension Evaluation {
    /// A function call: `try` and `can` take their arguments unevaluated; every other function gets its arguments
    /// converted to its parameters' types, with Terraform's null and unknown rules.
    mutating func call(_ name: String, arguments: [Expression], expandFinal: Bool, at location: SourceLocation)
        throws(ExpressionError) -> TypedValue
    {
        switch name {
        case "try": return try tryCall(arguments, at: location)
        case "can": return try canCall(arguments, at: location)
        default: break
        }
        guard let function = FunctionLibrary.all[name] else { throw Self.unknownFunction(name, at: location) }
        var values: [TypedValue] = []
        var locations: [SourceLocation] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments {
            values.append(try evaluate(argument))
            locations.append(argument.location)
        }
        if expandFinal, let last = values.popLast(), let lastLocation = locations.popLast() {
            switch last {
            case .unknown:
                return .unknown(function.returnType ?? .dynamic)
            case .null:
                throw ExpressionError(at: lastLocation, "cannot expand a null value with `...`")
            case .list(let items, _), .set(let items, _), .tuple(let items):
                values += items
                locations += Array(repeating: lastLocation, count: items.count)
            default:
                throw ExpressionError(
                    at: lastLocation, "only a list, set or tuple can be expanded with `...`, got a \(last.type.friendlyName)")
            }
        }
        if let problem = Self.arityProblem(function, count: values.count) {
            throw ExpressionError(at: location, problem)
        }
        var unknown = false
        for index in values.indices {
            guard let parameter = function.parameter(at: index) else { continue }
            let value = values[index]
            if value.isNull {
                guard parameter.allowNull else {
                    throw ExpressionError(
                        at: locations[index],
                        "invalid value for the \"\(parameter.name)\" parameter of `\(name)`: it must not be null")
                }
            }
            if parameter.type != .dynamic {
                do throws(ConversionError) {
                    values[index] = try TypeConversion.convert(value, to: parameter.type)
                } catch {
                    throw ExpressionError(
                        at: locations[index],
                        "invalid value for the \"\(parameter.name)\" parameter of `\(name)`: \(error.message)")
                }
            }
            if parameter.type == .dynamic && values[index].type == .dynamic && !parameter.allowDynamicType {
                return .unknown(.dynamic)
            }
            if !parameter.allowUnknown && !values[index].isWhollyKnown { unknown = true }
        }
        if unknown { return .unknown(function.returnType ?? .dynamic) }
        do throws(FunctionError) {
            return try function.implementation(values)
        } catch {
            guard let index = error.argument, locations.indices.contains(index) else {
                throw ExpressionError(at: location, "`\(name)` failed: \(error.message)")
            }
            let parameter = function.parameter(at: index)?.name ?? "argument \(index + 1)"
            throw ExpressionError(
                at: locations[index], "invalid value for the \"\(parameter)\" parameter of `\(name)`: \(error.message)")
        }
    }

    /// `try(a, b, ...)`: the first argument that evaluates without an error.
    private mutating func tryCall(_ arguments: [Expression], at location: SourceLocation) throws(ExpressionError)
        -> TypedValue
    {
        guard !arguments.isEmpty else { throw ExpressionError(at: location, "`try` takes at least 1 argument, got 0") }
        var failures: [ExpressionError] = []
        for argument in arguments {
            do throws(ExpressionError) {
                let value = try evaluate(argument)
                if !value.isWhollyKnown { return .unknown(.dynamic) }
                return value
            } catch {
                failures.append(error)
            }
        }
        let reasons = failures.map { "\($0.location.lineColumn): \($0.message)" }.joined(separator: "; ")
        throw ExpressionError(at: location, "`try`: no expression succeeded (\(reasons))")
    }

    /// `can(expression)`: whether the expression evaluates without an error.
    private mutating func canCall(_ arguments: [Expression], at location: SourceLocation) throws(ExpressionError)
        -> TypedValue
    {
        guard arguments.count == 1 else {
            throw ExpressionError(at: location, "`can` takes 1 argument, got \(arguments.count)")
        }
        do throws(ExpressionError) {
            let value = try evaluate(arguments[0])
            return value.isWhollyKnown ? .bool(true) : .unknown(.bool)
        } catch {
            return .bool(false)
        }
    }

    /// Why a call with `count` arguments does not fit the function, or nil when it does.
    static func arityProblem(_ function: FunctionDefinition, count: Int) -> String? {
        let minimum = function.parameters.count
        let maximum = function.variadic == nil ? minimum : Int.max
        guard count < minimum || count > maximum else { return nil }
        func arguments(_ n: Int) -> String { n == 1 ? "1 argument" : "\(n) arguments" }
        let expectation = maximum == Int.max ? "at least \(arguments(minimum))" : arguments(minimum)
        return "`\(function.name)` takes \(expectation), got \(count)"
    }

    /// The error for a function that does not exist, or is not available in manifests.
    static func unknownFunction(_ name: String, at location: SourceLocation) -> ExpressionError {
        if let reason = FunctionLibrary.unsupported[name] {
            return ExpressionError(at: location, "function `\(name)` is not available in manifests", hint: reason)
        }
        if FunctionLibrary.impure.contains(name) {
            return ExpressionError(
                at: location, "function `\(name)` is not available in manifests",
                hint: "it reads files, the clock, randomness or secrets, so its result would differ between plans")
        }
        let names = FunctionLibrary.names + ["can", "try"]
        let hint = Suggestions.closest(to: name, in: names).map { "did you mean `\($0)`?" }
        return ExpressionError(at: location, "unknown function `\(name)`", hint: hint)
    }
}
