extension ExpressionFunction {
    /// Encoding functions.
    static let encodings: [ExpressionFunction] = [
        ExpressionFunction("jsonencode", [.any], result: .string) { call throws(ExpressionError) in
            .string(ValueJSON.encode(call[0].value))
        }
    ]
}
