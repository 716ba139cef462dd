import BigInt
import Foundation

/// Terraform's numeric functions (cty's stdlib 1.16): exact on Terraform's 512-bit numbers, except `log` and `pow`,
/// which work on 64-bit floats as Terraform's do.
extension FunctionLibrary {
    /// abs, ceil, floor, log, max, min, parseint, pow, signum.
    static let numbers: [FunctionDefinition] = [abs, ceil, floor, log, max, min, parseint, pow, signum]

    private typealias Parameter = CheckedParameter

    private static func number(_ value: TypedValue) -> Number {
        if case .number(let number) = value { return number }
        return .zero
    }

    private static let abs = CheckedFunction.make(
        "abs", [Parameter("num", .number, allowDynamicType: true)], returns: .number
    ) { arguments, _ in
        .number(number(arguments[0]).magnitude)
    }

    private static let ceil = CheckedFunction.make(
        "ceil", [Parameter("num", .number)], returns: .number
    ) { arguments, _ in .number(whole(number(arguments[0]), .up)) }

    private static let floor = CheckedFunction.make(
        "floor", [Parameter("num", .number)], returns: .number
    ) { arguments, _ in .number(whole(number(arguments[0]), .down)) }

    /// A number rounded to a whole number as cty does it (through a big.Int, so never a negative zero).
    private static func whole(_ value: Number, _ rule: FloatingPointRoundingRule) -> Number {
        if value.isInfinite { return value }
        let rounded = value.rounded(rule)
        return rounded.isZero ? .zero : rounded
    }

    private static let max = CheckedFunction.make(
        "max", [], variadic: Parameter("numbers", .number, allowDynamicType: true), returns: .number
    ) { arguments, _ throws(FunctionError) in
        if arguments.isEmpty { throw FunctionError("must pass at least one number") }
        var largest = Number.negativeInfinity
        for argument in arguments where number(argument) > largest { largest = number(argument) }
        return .number(largest)
    }

    private static let min = CheckedFunction.make(
        "min", [], variadic: Parameter("numbers", .number, allowDynamicType: true), returns: .number
    ) { arguments, _ throws(FunctionError) in
        if arguments.isEmpty { throw FunctionError("must pass at least one number") }
        var smallest = Number.infinity
        for argument in arguments where number(argument) < smallest { smallest = number(argument) }
        return .number(smallest)
    }

    private static let signum = CheckedFunction.make(
        "signum", [Parameter("num", .number)], returns: .number
    ) { arguments, _ throws(FunctionError) in
        let value = try CheckedFunction.int(arguments[0])
        return .number(Number(value < 0 ? -1 : value > 0 ? 1 : 0))
    }

    private static let log = CheckedFunction.make(
        "log", [Parameter("num", .number), Parameter("base", .number)], returns: .number
    ) { arguments, _ throws(FunctionError) in
        let value = try CheckedFunction.float64(arguments[0])
        let base = try CheckedFunction.float64(arguments[1])
        return try float(goLog(value) / goLog(base))
    }

    private static let pow = CheckedFunction.make(
        "pow", [Parameter("num", .number), Parameter("power", .number)], returns: .number
    ) { arguments, _ throws(FunctionError) in
        let value = try CheckedFunction.float64(arguments[0])
        let power = try CheckedFunction.float64(arguments[1])
        return try float(goPow(value, power))
    }

    /// The natural logarithm as Go's `math.Log` computes it (the fdlibm method: `x = 2^k · (1 + f)` with
    /// `1 + f` in [√2/2, √2), then a minimax polynomial in `s = f / (2 + f)`), which is not always the correctly
    /// rounded value the C library returns (Go's `log(3) / log(7)` ends in …796, the C library's in …797).
    static func goLog(_ x: Double) -> Double {
        if x.isNaN || x == .infinity { return x }
        if x < 0 { return .nan }
        if x == 0 { return -.infinity }
        let ln2High = 6.93147180369123816490e-01
        let ln2Low = 1.90821492927058770002e-10
        let l1 = 6.666666666666735130e-01
        let l2 = 3.999999999940941908e-01
        let l3 = 2.857142874366239149e-01
        let l4 = 2.222219843214978396e-01
        let l5 = 1.818357216161805012e-01
        let l6 = 1.531383769920937332e-01
        let l7 = 1.479819860511658591e-01
        // x = fraction · 2^exponent with the fraction in [0.5, 1) (Go's Frexp), moved to [√2/2, √2).
        var fraction = x.significand / 2
        var exponent = Int(x.exponent) + 1
        if fraction < 2.0.squareRoot() / 2 {
            fraction *= 2
            exponent -= 1
        }
        let f = fraction - 1
        let k = Double(exponent)
        let s = f / (2 + f)
        let s2 = s * s
        let s4 = s2 * s2
        let t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)))
        let t2 = s4 * (l2 + s4 * (l4 + s4 * l6))
        let r = t1 + t2
        let halfSquare = 0.5 * f * f
        return k * ln2High - ((halfSquare - (s * (halfSquare + r) + k * ln2Low)) - f)
    }

    /// `e^x` as Go's `math.Exp` computes it on amd64 with FMA, where Terraform's releases run (the assembly
    /// version of Shibata's SLEEF method: `x = k·ln 2 + r` with `k` rounded to nearest, the Taylor series of
    /// `e^(r/16) - 1` to degree 8, squared back four times, scaled by `2^k`; no subnormal results).
    static func goExp(_ x: Double) -> Double {
        if x.isNaN || x == .infinity { return x }
        if x == -.infinity { return 0 }
        if x > 7.09782712893384e+02 { return .infinity }
        let scaled = x * 1.4426950408889634073599246810018920
        // CVTSD2SL: rounded to nearest even; out of range gives Int32.min.
        let rounded = scaled.rounded(.toNearestOrEven)
        let k: Int32 = rounded >= -2147483648 && rounded <= 2147483647 ? Int32(rounded) : .min
        let kd = Double(k)
        var r = x
        r.addProduct(-0.69314718055966295651160180568695068359375, kd)
        r.addProduct(-0.28235290563031577122588448175013436025525412068e-12, kd)
        r *= 0.0625
        var p = 2.4801587301587301587e-5
        for coefficient in [
            1.9841269841269841270e-4, 1.3888888888888888889e-3, 8.3333333333333333333e-3,
            4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0,
        ] {
            p = coefficient.addingProduct(p, r)
        }
        var e = r * p
        for _ in 0..<3 { e = e * (e + 2) }
        e = 1.0.addingProduct(e + 2, e)
        let biased = Int(k) + 0x3FF
        if biased <= 0 { return 0 }
        if biased >= 0x7FF { return .infinity }
        return e * Double(bitPattern: UInt64(biased) << 52)
    }

    /// `x` to the power `y` computed the way Go's `math.Pow` does (it is not correctly rounded, so the C library's
    /// `pow` gives different last digits: Go's `pow(1.1, 10)` is 2.593742460100002): special cases first, then the
    /// fractional part of the exponent through `exp(yf · log x)` and the whole part by repeated squaring of the
    /// mantissa with the binary exponent kept apart.
    static func goPow(_ x: Double, _ y: Double) -> Double {
        func isOddInteger(_ value: Double) -> Bool {
            guard Swift.abs(value) < 9007199254740992, value == value.rounded(.towardZero) else { return false }
            return Int64(value) & 1 == 1
        }
        if y == 0 || x == 1 { return 1 }
        if y == 1 { return x }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 {
            let odd = x.sign == .minus && isOddInteger(y)
            if y < 0 { return odd ? -.infinity : .infinity }
            return odd ? x : 0
        }
        if y.isInfinite {
            if x == -1 { return 1 }
            return (Swift.abs(x) < 1) == (y > 0) ? 0 : .infinity
        }
        if x.isInfinite {
            if x < 0 { return goPow(1 / x, -y) }
            return y < 0 ? 0 : .infinity
        }
        if y == 0.5 { return x.squareRoot() }
        if y == -0.5 { return 1 / x.squareRoot() }

        var whole = Swift.abs(y).rounded(.towardZero)
        var fraction = Swift.abs(y) - whole
        if fraction != 0, x < 0 { return .nan }
        if whole >= 9223372036854775808 {
            if x == -1 { return 1 }
            return (Swift.abs(x) < 1) == (y > 0) ? 0 : .infinity
        }
        var result = 1.0
        var resultExponent = 0
        if fraction != 0 {
            if fraction > 0.5 {
                fraction -= 1
                whole += 1
            }
            result = goExp(fraction * goLog(x))
        }
        // x = mantissa · 2^exponent with the mantissa in [0.5, 1), as Go's Frexp.
        var mantissa = x.significand / 2
        var exponent = Int(x.exponent) + 1
        if x < 0 { mantissa = -mantissa }
        var bits = Int64(whole)
        while bits != 0 {
            if exponent < -(1 << 12) || (1 << 12) < exponent {
                resultExponent += exponent
                break
            }
            if bits & 1 == 1 {
                result *= mantissa
                resultExponent += exponent
            }
            mantissa *= mantissa
            exponent <<= 1
            if mantissa < 0.5 {
                mantissa += mantissa
                exponent -= 1
            }
            bits >>= 1
        }
        if y < 0 {
            result = 1 / result
            resultExponent = -resultExponent
        }
        return Foundation.scalbn(result, resultExponent)
    }

    /// A float result as cty takes it: NaN makes cty 1.16 panic, which Terraform reports as a failed call.
    private static func float(_ value: Double) throws(FunctionError) -> TypedValue {
        if value.isNaN { throw FunctionError("panic in function implementation: Float.SetFloat64(NaN)") }
        return .number(Number(value))
    }

    private static let parseint = CheckedFunction.make(
        "parseint", [Parameter("number", .dynamic), Parameter("base", .number)],
        type: { arguments throws(FunctionError) in
            guard arguments[0].type == .string else {
                throw FunctionError(
                    argument: 0, "first argument must be a string, not \(arguments[0].type.friendlyName)")
            }
            return .number
        },
        body: { arguments, _ throws(FunctionError) in
            guard case .string(let text) = arguments[0] else { return .unknown(.number) }
            let base = try CheckedFunction.int(arguments[1], argument: 1)
            if base < 2 || base > 62 {
                throw FunctionError(argument: 1, "base must be a whole number between 2 and 62 inclusive")
            }
            guard let parsed = parseInteger(text, base: base) else {
                throw FunctionError(
                    argument: 0, "cannot parse \(GoQuote.quote(text)) as a base \(base) integer")
            }
            return .number(Number(parsed))
        })

    /// Go's `big.Int.SetString(text, base)` for a base from 2 to 62: an optional sign, then at least one digit;
    /// up to base 36 letters of either case count from 10, above it lower case counts from 10 and upper case
    /// from 36.
    private static func parseInteger(_ text: String, base: Int) -> BigInt? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        if digits.isEmpty { return nil }
        var result = BigInt(0)
        let radix = BigInt(base)
        for scalar in digits.unicodeScalars {
            let value: Int
            switch scalar {
            case "0"..."9": value = Int(scalar.value) - 48
            case "a"..."z": value = Int(scalar.value) - 97 + 10
            case "A"..."Z": value = Int(scalar.value) - 65 + (base <= 36 ? 10 : 36)
            default: return nil
            }
            if value >= base { return nil }
            result = result * radix + BigInt(value)
        }
        return negative ? -result : result
    }
}
