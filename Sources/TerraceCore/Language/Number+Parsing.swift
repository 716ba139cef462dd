import BigInt

extension Number {
    /// Parses a decimal number as cty's `ParseNumberVal` does (Go's `big.ParseFloat(s, 10, 512, ToNearestEven)`),
    /// which is how Terraform reads number literals, JSON numbers and strings converted to numbers.
    ///
    /// Accepted, exactly as Go accepts them in base 10: an optional `+` or `-`; digits with at most one `.`
    /// (`5`, `5.`, `.5`, `0.50`), at least one digit; an optional exponent `e`/`E` (power of ten) or `p`/`P`
    /// (power of two: Terraform's `tonumber("1p3")` is 8) with an optional sign and at least one digit; and the
    /// words `Inf`/`inf` with an optional sign, which give infinities (`tonumber("-inf") < 0` is true in
    /// Terraform). Nothing else: no spaces, underscores, hexadecimal, `NaN` or empty strings.
    ///
    /// Magnitudes are bounded where Go's are not: a nonzero value must lie within `2^±32768` (about `1e±9864`),
    /// or parsing fails (nil). Go accepts binary exponents up to `int32` (`1e600000000` is finite, `1e1000000000`
    /// overflows to `+Inf` and `1e3000000000` fails), but printing such a number exactly takes time and memory
    /// that grow with the square of its exponent, so a manifest must not be able to ask for it; Terraform users
    /// have no use for such numbers (`1e400` is fine). Zeros parse with any exponent (`0e999999999` is 0).
    /// Within the bound the result is Go's bit for bit, including where Go is not correctly rounded (it computes
    /// large powers of five rounded to 576 bits).
    public init?(parsing text: String) {
        guard let number = Number.parse(Array(text.utf8)) else { return nil }
        self = number
    }

    /// The largest binary exponent magnitude `init(parsing:)` accepts for a nonzero value.
    public static let maximumParsedBinaryExponent = 32768

    private static func parse(_ bytes: [UInt8]) -> Number? {
        let precision = parsingPrecision
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let rest = bytes[index...]
        if rest.elementsEqual("Inf".utf8) || rest.elementsEqual("inf".utf8) {
            return Number(storage: .infinity(negative: negative), precision: precision)
        }

        // Mantissa: digits with one optional radix point.
        var small: UInt64 = 0
        var smallDigits = 0
        var mantissa: BigUInt = 0
        var digitCount = 0
        var fractionDigits = 0
        var seenPoint = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                small = small * 10 + UInt64(byte - UInt8(ascii: "0"))
                smallDigits += 1
                if smallDigits == 19 {
                    mantissa = mantissa * BigUInt(10_000_000_000_000_000_000 as UInt64) + BigUInt(small)
                    small = 0
                    smallDigits = 0
                }
                digitCount += 1
                if seenPoint { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digitCount > 0 else { return nil }
        if mantissa.isZero {
            mantissa = BigUInt(small)
        } else if smallDigits > 0 {
            mantissa = mantissa * BigUInt(10).power(smallDigits) + BigUInt(small)
        }

        // Exponent.
        var exponent = 0
        var binaryExponent = false
        if index < bytes.count {
            let marker = bytes[index]
            switch marker {
            case UInt8(ascii: "e"), UInt8(ascii: "E"): binaryExponent = false
            case UInt8(ascii: "p"), UInt8(ascii: "P"): binaryExponent = true
            default: return nil
            }
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponentDigits = 0
            var magnitude: Int64 = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let digit = Int64(bytes[index] - UInt8(ascii: "0"))
                // Go reads the exponent as an int64 and fails beyond.
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(digit)
                // (Go fails past int64; any exponent that large fails the int32 check below anyway.)
                if overflow1 || overflow2 { return nil }
                magnitude = sum
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent = Int(exponentNegative ? -magnitude : magnitude)
        }
        guard index == bytes.count else { return nil }

        if mantissa.isZero {
            return Number(storage: negative ? .negativeZero : .small(0), precision: precision)
        }

        // value = mantissa · 10^-fractionDigits · base^exponent. Go checks the binary exponent of 0.1xxx · 2^e
        // (before applying any power of five) against int32; we bound the whole value far tighter (see above).
        let (power10, overflow1) = exponent.subtractingReportingOverflow(fractionDigits)
        guard !overflow1 else { return nil }
        let power5 = binaryExponent ? -fractionDigits : power10
        let (exponent2, overflow2) = power10.addingReportingOverflow(mantissa.bitWidth)
        guard !overflow2, exponent2 >= Int(Int32.min), exponent2 <= Int(Int32.max) else { return nil }
        let estimatedExponent = Double(exponent2) + Double(power5) * 2.321928094887362
        guard estimatedExponent.magnitude <= Double(maximumParsedBinaryExponent) else { return nil }
        let scale2 = exponent2 - mantissa.bitWidth

        if power5 == 0 {
            return rounding(negative: negative, mantissa: mantissa, exponent: scale2, precision: precision)
        }
        let factor = powerOfFive(UInt64(power5.magnitude), precision: precision + 64)
        guard let factorParts = factor.parts else {
            // The power of five overflowed to infinity.
            if power5 < 0 { return Number(storage: negative ? .negativeZero : .small(0), precision: precision) }
            return Number(storage: .infinity(negative: negative), precision: precision)
        }
        if power5 > 0 {
            return rounding(negative: negative, mantissa: mantissa * factorParts.mantissa,
                            exponent: scale2 + factorParts.exponent, precision: precision)
        }
        let divisor = factorParts.mantissa
        let shift = Swift.max(0, precision + 2 + divisor.bitWidth - mantissa.bitWidth)
        let (quotient, remainder) = (mantissa << shift).quotientAndRemainder(dividingBy: divisor)
        return rounding(negative: negative, mantissa: quotient, exponent: scale2 - factorParts.exponent - shift,
                        precision: precision, sticky: !remainder.isZero)
    }

    /// `5^n` as Go's `big.Float.pow5` computes it into a float of the given precision: exact up to `5^27`, then by
    /// repeated squaring of a float with 64 more bits, rounding every step. Overflows to infinity like Go.
    private static func powerOfFive(_ n: UInt64, precision: Int) -> Number {
        if n <= 27 {
            var value: UInt64 = 1
            for _ in 0..<n { value *= 5 }
            return rounding(negative: false, mantissa: BigUInt(value), exponent: 0, precision: precision)
        }
        var result = rounding(negative: false, mantissa: BigUInt(7_450_580_596_923_828_125 as UInt64), exponent: 0,
                              precision: precision)
        var factor = rounding(negative: false, mantissa: 5, exponent: 0, precision: precision + 64)
        var remaining = n - 27
        while remaining > 0 {
            if remaining & 1 != 0 {
                guard let product = result.multipliedPlain(by: factor, precision: precision) else { return result }
                result = product
                if result.isInfinite { return result }
            }
            if let square = factor.multipliedPlain(by: factor, precision: precision + 64) { factor = square }
            remaining >>= 1
        }
        return result
    }
}
