extension ExpressionFunction {
    /// Type conversion functions.
    static let conversions: [ExpressionFunction] = [
        ExpressionFunction("tostring", [.any], result: .string) { call throws(ExpressionError) in
            switch call[0].value {
            case .null: return .null
            case .string, .number, .bool: return .string(call[0].value.interpolated ?? "")
            default: throw call[0].error("`tostring` cannot convert a \(call[0].value.typeName) to a string")
            }
        },
        ExpressionFunction("tonumber", [.any], result: .number) { call throws(ExpressionError) in
            switch call[0].value {
            case .null: return .null
            case .number: return call[0].value
            case .string(let text):
                guard let number = parseNumber(text) else {
                    throw call[0].error("`tonumber` cannot convert `\(text)` to a number")
                }
                return .number(number)
            default: throw call[0].error("`tonumber` cannot convert a \(call[0].value.typeName) to a number")
            }
        },
        ExpressionFunction("tobool", [.any], result: .bool) { call throws(ExpressionError) in
            switch call[0].value {
            case .null, .bool: return call[0].value
            case .string("true"): return .bool(true)
            case .string("false"): return .bool(false)
            case .string(let text): throw call[0].error("`tobool` cannot convert `\(text)` to a bool")
            default: throw call[0].error("`tobool` cannot convert a \(call[0].value.typeName) to a bool")
            }
        },
        ExpressionFunction("tolist", [.list], result: .list) { call throws(ExpressionError) in
            .list(try call[0].list())
        },
        ExpressionFunction("tomap", [.map], result: .map) { call throws(ExpressionError) in
            .map(try call[0].map())
        },
    ]
}
