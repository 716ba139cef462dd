/// Evaluates and statically checks templates and expressions.
public enum Evaluator {
    /// Evaluates a manifest template to a plain value.
    ///
    /// A template that is exactly one `${...}` keeps the value's type; anything else is a string. `resolve`
    /// returns the value a reference's path names. Unknown values propagate: the result is `.unknown`, or holds
    /// `.unknown` where it depends on one, instead of failing.
    public static func evaluate(
        _ template: Template, resolve: @escaping (Reference) throws(ExpressionError) -> Value
    ) throws(ExpressionError) -> Value {
        Value(try evaluateTyped(template, resolve: typed(resolve)))
    }

    /// Evaluates one expression to a plain value.
    public static func evaluate(
        _ expression: Expression, resolve: @escaping (Reference) throws(ExpressionError) -> Value
    ) throws(ExpressionError) -> Value {
        Value(try evaluateTyped(expression, resolve: typed(resolve)))
    }

    /// Evaluates a template to a typed value.
    public static func evaluateTyped(
        _ template: Template, resolve: @escaping (Reference) throws(ExpressionError) -> TypedValue
    ) throws(ExpressionError) -> TypedValue {
        var evaluation = Evaluation(resolve: resolve)
        return try evaluation.evaluate(template)
    }

    /// Evaluates an expression to a typed value.
    public static func evaluateTyped(
        _ expression: Expression, resolve: @escaping (Reference) throws(ExpressionError) -> TypedValue
    ) throws(ExpressionError) -> TypedValue {
        var evaluation = Evaluation(resolve: resolve)
        return try evaluation.evaluate(expression)
    }

    /// Checks a template before anything runs: unknown functions and wrong argument counts anywhere in it, then
    /// every error that evaluating it with `resolve` finds (type errors such as `"a" * 2`, `length(5)` or a
    /// condition that is not a bool). `resolve` should give known values where they are known before applying
    /// (variables) and `.unknown` for outputs of units, so that only what is certain to fail is reported.
    public static func validate(
        _ template: Template, resolve: @escaping (Reference) throws(ExpressionError) -> Value
    ) -> [ExpressionError] {
        var errors: [ExpressionError] = []
        template.forEachExpression { expression in
            expression.forEachChild { node in
                if let problem = staticProblem(node) { errors.append(problem) }
            }
        }
        if errors.isEmpty {
            do throws(ExpressionError) {
                _ = try evaluateTyped(template, resolve: typed(resolve))
            } catch {
                errors.append(error)
            }
        }
        return errors
    }

    /// An unknown function or a wrong argument count at this node.
    private static func staticProblem(_ node: Expression) -> ExpressionError? {
        guard case .call(let name, let arguments, let expandFinal, let location) = node else { return nil }
        switch name {
        case "try":
            return arguments.isEmpty ? ExpressionError(at: location, "`try` takes at least 1 argument, got 0") : nil
        case "can":
            return arguments.count == 1 ? nil : ExpressionError(at: location, "`can` takes 1 argument, got \(arguments.count)")
        default:
            break
        }
        guard let function = FunctionLibrary.all[name] else { return Evaluation.unknownFunction(name, at: location) }
        guard !expandFinal, let problem = Evaluation.arityProblem(function, count: arguments.count) else { return nil }
        return ExpressionError(at: location, problem)
    }

    /// The names of all built-in functions, sorted.
    public static var functionNames: [String] { (FunctionLibrary.names + ["can", "try"]).sorted() }

    private static func typed(_ resolve: @escaping (Reference) throws(ExpressionError) -> Value)
        -> (Reference) throws(ExpressionError) -> TypedValue
    {
        { reference throws(ExpressionError) in TypedValue(try resolve(reference)) }
    }
}
