/// Terraform's expression language on its own: parse and evaluate one expression, as `terraform console` does.
public enum ExpressionLanguage {
    /// Parses and evaluates `source`, one expression without `${...}` around it. References are resolved by
    /// `resolve`; by default every reference is an error.
    public static func evaluate(
        _ source: String, file: String = "<expression>",
        resolve: @escaping (Reference) throws(ExpressionError) -> TypedValue = noReferences
    ) throws(ExpressionError) -> TypedValue {
        let expression = try TemplateParser.parseExpression(source, at: SourceLocation(file: file, line: 1, column: 1))
        return try Evaluator.evaluateTyped(expression, resolve: resolve)
    }

    /// A resolver for expressions that may not reference anything.
    public static func noReferences(_ reference: Reference) throws(ExpressionError) -> TypedValue {
        throw ExpressionError(at: reference.location, "unknown reference `\(reference.text)`: nothing can be referenced here")
    }
}
