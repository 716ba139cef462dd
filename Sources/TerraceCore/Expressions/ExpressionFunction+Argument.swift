extension ExpressionFunction.Argument {
    /// An error located at this argument.
    func error(_ message: String, hint: String? = nil) -> ExpressionError {
        ExpressionError(at: location, message, hint: hint)
    }

    /// The "`join` expects a list as argument 2, got string" error.
    func typeError(_ expected: ExpressionFunction.Kind, hint: String? = nil) -> ExpressionError {
        var got = value.typeName
        if case .string(let text) = value, text.unicodeScalars.count <= 40, !text.contains("\n") {
            got += " `\(text)`"
        }
        return error("`\(function)` expects \(expected.phrase) as argument \(position), got \(got)", hint: hint)
    }

    /// The argument as a string; numbers and bools are converted.
    func string() throws(ExpressionError) -> String {
        switch value {
        case .string(let text): return text
        case .number, .bool: return value.interpolated ?? ""
        default: throw typeError(.string)
        }
    }

    /// The argument as a number; numeric strings are converted.
    func number() throws(ExpressionError) -> Double {
        switch value {
        case .number(let number): return number
        case .string(let text):
            if let number = ExpressionFunction.parseNumber(text) { return number }
            throw typeError(.number)
        default: throw typeError(.number)
        }
    }

    /// The argument as a whole number.
    func integer() throws(ExpressionError) -> Int {
        let number = try number()
        guard let whole = ExpressionFunction.wholeNumber(number) else {
            throw error("`\(function)` expects a whole number as argument \(position), got \(Value.format(number))")
        }
        return whole
    }

    /// The argument as a bool; `"true"` and `"false"` are converted.
    func bool() throws(ExpressionError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string("true"): return true
        case .string("false"): return false
        default: throw typeError(.bool)
        }
    }

    /// The argument as a list.
    func list() throws(ExpressionError) -> [Value] {
        guard case .list(let items) = value else { throw typeError(.list) }
        return items
    }

    /// The argument as a map.
    func map() throws(ExpressionError) -> [String: Value] {
        guard case .map(let entries) = value else { throw typeError(.map) }
        return entries
    }

    /// The argument as a list of strings (numbers and bools converted).
    func strings() throws(ExpressionError) -> [String] {
        let items = try list()
        var result: [String] = []
        result.reserveCapacity(items.count)
        for (offset, item) in items.enumerated() {
            switch item {
            case .string(let text): result.append(text)
            case .number, .bool: result.append(item.interpolated ?? "")
            default:
                throw error(
                    "`\(function)` expects a list of strings as argument \(position), but element \(offset) is \(item.typeName)"
                )
            }
        }
        return result
    }
}
