import BigInt

/// Reading arguments the way cty's `gocty` package reads numbers into Go variables, with its messages.
extension CheckedFunction {
    /// The message cty gives when a number does not fit a Go `int`.
    static let wholeIntMessage = "value must be a whole number, between \(Int64.min) and \(Int64.max)"

    /// A number as a Go `int`: a whole number in the 64-bit range, or nil.
    static func wholeInt(_ value: TypedValue) -> Int? {
        guard case .number(let number) = value, let whole = number.intValue else { return nil }
        return whole
    }

    /// A number as a Go `int`, failing with cty's message (prefixed with `prefix` when given).
    static func int(_ value: TypedValue, argument: Int? = nil, prefix: String = "") throws(FunctionError) -> Int {
        guard let whole = wholeInt(value) else { throw FunctionError(argument: argument, prefix + wholeIntMessage) }
        return whole
    }

    /// A number as a Go `*big.Int`: any whole number, failing with cty's message.
    static func bigInt(_ value: TypedValue, argument: Int? = nil) throws(FunctionError) -> BigInt {
        guard case .number(let number) = value, let whole = number.integerValue else {
            throw FunctionError(argument: argument, "value must be a whole number")
        }
        return whole
    }

    /// A number as a Go `float64`: rounded to the nearest double; a finite number too large for a double fails
    /// with cty's message (infinities pass).
    static func float64(_ value: TypedValue, argument: Int? = nil) throws(FunctionError) -> Double {
        guard case .number(let number) = value else { throw FunctionError(argument: argument, "a number is required") }
        let double = number.doubleValue
        if double.isInfinite, !number.isInfinite {
            let largest = BigInt(Double.greatestFiniteMagnitude).description + ".000000"
            throw FunctionError(argument: argument, "value must be between -\(largest) and \(largest) inclusive")
        }
        return double
    }

    /// Whether `left` sorts before `right` in Go's `sort.Strings` order (bytewise on UTF-8).
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// The text of a conversion failure, as cty's error prints it.
    static func message(_ error: any Error) -> String {
        (error as? ConversionError)?.message ?? String(describing: error)
    }

    /// Argument `index` converted to `type`, or the conversion's message as that argument's error.
    static func converted(_ argument: TypedValue, to type: ValueType, argument index: Int) throws(FunctionError)
        -> TypedValue
    {
        do throws(ConversionError) {
            return try TypeConversion.convert(argument, to: type)
        } catch {
            throw FunctionError(argument: index, error.message)
        }
    }
}
