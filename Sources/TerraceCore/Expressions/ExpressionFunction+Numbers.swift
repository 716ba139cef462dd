extension ExpressionFunction {
    /// Number functions.
    static let numbers: [ExpressionFunction] = [
        ExpressionFunction("min", [.number], variadic: .number, result: .number) { call throws(ExpressionError) in
            var result = try call[0].number()
            for argument in call.arguments.dropFirst() { result = Swift.min(result, try argument.number()) }
            return .number(result)
        },
        ExpressionFunction("max", [.number], variadic: .number, result: .number) { call throws(ExpressionError) in
            var result = try call[0].number()
            for argument in call.arguments.dropFirst() { result = Swift.max(result, try argument.number()) }
            return .number(result)
        },
        ExpressionFunction("abs", [.number], result: .number) { call throws(ExpressionError) in
            .number(Swift.abs(try call[0].number()))
        },
        ExpressionFunction("ceil", [.number], result: .number) { call throws(ExpressionError) in
            .number(try call[0].number().rounded(.up))
        },
        ExpressionFunction("floor", [.number], result: .number) { call throws(ExpressionError) in
            .number(try call[0].number().rounded(.down))
        },
        ExpressionFunction("sum", [.list], result: .number) { call throws(ExpressionError) in
            let items = try call[0].list()
            guard !items.isEmpty else { throw call[0].error("`sum` cannot sum an empty list") }
            var total = 0.0
            for (offset, item) in items.enumerated() {
                guard case .number(let number) = item else {
                    throw call[0].error(
                        "`sum` expects a list of numbers as argument 1, but element \(offset) is \(item.typeName)")
                }
                total += number
            }
            guard total.isFinite else { throw call[0].error("`sum` result is out of range") }
            return .number(total)
        },
    ]
}
