import BigInt

/// Arithmetic as cty does it on `big.Float`s, rounding to nearest with ties to even.
///
/// The binary operators return nil exactly where Go panics with `big.ErrNaN` and Terraform reports an error
/// ("can't compute sum of opposing infinities", "can't multiply zero by infinity", "can't divide zero by zero or
/// infinity by infinity", "can't use modulo with zero and infinity"); the evaluator turns nil into that error.
extension Number {
    /// The sum (`cty.Value.Add`: `big.Float.Add` at the larger precision); nil for `∞ + -∞`.
    public static func + (lhs: Number, rhs: Number) -> Number? {
        lhs.adding(rhs)
    }

    /// The difference (`cty.Value.Subtract`: `lhs + (-rhs)`); nil for `∞ - ∞`.
    public static func - (lhs: Number, rhs: Number) -> Number? {
        lhs.adding(-rhs)
    }

    /// The product (`cty.Value.Multiply`); nil for `0 × ∞`.
    public static func * (lhs: Number, rhs: Number) -> Number? {
        lhs.multiplied(by: rhs)
    }

    /// The quotient (`cty.Value.Divide`: `big.Float.Quo` at the larger precision): `x / 0` is `±∞` (so the caller
    /// that wants Terraform's behaviour must not reject it: Terraform gives `+Inf` for `1/0`); nil for `0/0` and
    /// `∞/∞`.
    public static func / (lhs: Number, rhs: Number) -> Number? {
        lhs.dividing(by: rhs)
    }

    /// The remainder as `cty.Value.Modulo`: `x % 0 == x`; otherwise `x - y · trunc(x / y)`, with the sign of `x`;
    /// nil when either operand is infinite and the divisor is not zero (Terraform fails there).
    public static func % (lhs: Number, rhs: Number) -> Number? {
        lhs.remainder(dividingBy: rhs)
    }

    /// The negation (`big.Float.Neg`): `-0` for `0`, same precision.
    public static prefix func - (operand: Number) -> Number {
        switch operand.storage {
        case .small(let value):
            if value == 0 { return Number(storage: .negativeZero, precision: operand.precision) }
            return Number(storage: .small(-value), precision: operand.precision)
        case .negativeZero:
            return Number(storage: .small(0), precision: operand.precision)
        case .big(let negative, let mantissa, let exponent):
            return Number(storage: .big(negative: !negative, mantissa: mantissa, exponent: exponent),
                          precision: operand.precision)
        case .infinity(let negative):
            return Number(storage: .infinity(negative: !negative), precision: operand.precision)
        }
    }

    /// The absolute value (`big.Float.Abs`).
    public var magnitude: Number {
        isNegative ? -self : self
    }

    /// `big.Float.Add` into a new float: the result has the larger precision of the operands.
    public func adding(_ other: Number) -> Number? {
        let precision = Swift.max(self.precision, other.precision)
        if case .small(let a) = storage, case .small(let b) = other.storage {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow, sum != Int.min, Number.fits(sum, precision) {
                return Number(storage: .small(sum), precision: precision)
            }
        }
        switch (storage, other.storage) {
        case (.infinity(let a), .infinity(let b)):
            return a == b ? Number(storage: storage, precision: precision) : nil
        case (.infinity, _):
            return Number(storage: storage, precision: precision)
        case (_, .infinity):
            return Number(storage: other.storage, precision: precision)
        default:
            break
        }
        guard let x = parts, let y = other.parts else { return nil }
        if x.mantissa.isZero && y.mantissa.isZero {
            return Number(storage: x.negative && y.negative ? .negativeZero : .small(0), precision: precision)
        }
        if x.mantissa.isZero { return other.withPrecision(precision) }
        if y.mantissa.isZero { return withPrecision(precision) }
        let exponent = Swift.min(x.exponent, y.exponent)
        let a = x.mantissa << (x.exponent - exponent)
        let b = y.mantissa << (y.exponent - exponent)
        if x.negative == y.negative {
            return Number.rounding(negative: x.negative, mantissa: a + b, exponent: exponent, precision: precision)
        }
        if a == b { return Number(storage: .small(0), precision: precision) }
        if a > b {
            return Number.rounding(negative: x.negative, mantissa: a - b, exponent: exponent, precision: precision)
        }
        return Number.rounding(negative: y.negative, mantissa: b - a, exponent: exponent, precision: precision)
    }

    /// `self - other` as `big.Float.Sub` (the same as `adding(-other)`).
    public func subtracting(_ other: Number) -> Number? {
        adding(-other)
    }

    /// `cty.Value.Multiply`: the product rounded to 512 bits, keeping the larger of the operands' precisions and
    /// the bits the rounded product needs. Nil for `0 × ∞`.
    public func multiplied(by other: Number) -> Number? {
        let operandPrecision = Swift.max(precision, other.precision)
        if case .small(let a) = storage, case .small(let b) = other.storage {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            if !overflow, product != Int.min {
                if product == 0, (a < 0) != (b < 0) {
                    return Number(storage: .negativeZero, precision: operandPrecision)
                }
                let precision = Swift.max(operandPrecision, Number.significantBits(product))
                return Number(storage: .small(product), precision: precision)
            }
        }
        let negative = isNegative != other.isNegative
        if isInfinite || other.isInfinite {
            if isZero || other.isZero { return nil }
            return Number(storage: .infinity(negative: negative), precision: operandPrecision)
        }
        guard let x = parts, let y = other.parts else { return nil }
        if x.mantissa.isZero || y.mantissa.isZero {
            return Number(storage: negative ? .negativeZero : .small(0), precision: operandPrecision)
        }
        let product = Number.rounding(negative: negative, mantissa: x.mantissa * y.mantissa,
                                      exponent: x.exponent + y.exponent, precision: Number.parsingPrecision)
        // big.Float.MinPrec of the rounded product: the bits of its odd mantissa.
        let needed: Int
        switch product.storage {
        case .small(let value): needed = Number.significantBits(value)
        case .big(_, let mantissa, _): needed = mantissa.bitWidth
        default: needed = 0
        }
        return Number(storage: product.storage, precision: Swift.max(operandPrecision, needed))
    }

    /// Plain `big.Float.Mul` into a float of the given precision (what cty's `Modulo` uses internally).
    func multipliedPlain(by other: Number, precision: Int) -> Number? {
        let negative = isNegative != other.isNegative
        if isInfinite || other.isInfinite {
            if isZero || other.isZero { return nil }
            return Number(storage: .infinity(negative: negative), precision: precision)
        }
        guard let x = parts, let y = other.parts else { return nil }
        if x.mantissa.isZero || y.mantissa.isZero {
            return Number(storage: negative ? .negativeZero : .small(0), precision: precision)
        }
        return Number.rounding(negative: negative, mantissa: x.mantissa * y.mantissa,
                               exponent: x.exponent + y.exponent, precision: precision)
    }

    /// `cty.Value.Divide` (`big.Float.Quo` at the larger precision): `x / ±0` is `±∞` with the sign of the
    /// product of the signs, `x / ±∞` is `±0`; nil for `0/0` and `∞/∞` (where Go panics).
    public func dividing(by other: Number) -> Number? {
        let precision = Swift.max(self.precision, other.precision)
        let negative = isNegative != other.isNegative
        if case .small(let a) = storage, case .small(let b) = other.storage, b != 0, a % b == 0 {
            let quotient = a / b
            if quotient == 0 {
                return Number(storage: negative ? .negativeZero : .small(0), precision: precision)
            }
            if Number.fits(quotient, precision) { return Number(storage: .small(quotient), precision: precision) }
        }
        switch (isZero, isInfinite, other.isZero, other.isInfinite) {
        case (true, _, true, _), (_, true, _, true):
            return nil
        case (true, _, _, _), (_, _, _, true):
            return Number(storage: negative ? .negativeZero : .small(0), precision: precision)
        case (_, true, _, _), (_, _, true, _):
            return Number(storage: .infinity(negative: negative), precision: precision)
        default:
            break
        }
        guard let x = parts, let y = other.parts else { return nil }
        // Scale the dividend so the quotient has at least precision + 2 bits; the remainder is the sticky bit.
        let shift = Swift.max(0, precision + 2 + y.mantissa.bitWidth - x.mantissa.bitWidth)
        let (quotient, remainder) = (x.mantissa << shift).quotientAndRemainder(dividingBy: y.mantissa)
        return Number.rounding(negative: negative, mantissa: quotient, exponent: x.exponent - y.exponent - shift,
                               precision: precision, sticky: !remainder.isZero)
    }

    /// `cty.Value.Modulo`. `x % ±0` is `x` (also for infinite `x`); otherwise an infinite operand gives nil (Go
    /// dereferences a nil integer for `∞ % y` and multiplies zero by infinity for `x % ∞`). Else, as cty computes
    /// it: `q = trunc(x / y)` (the quotient at the larger precision), then `x - y · q` with both steps rounded to
    /// `x`'s precision; the result has `x`'s precision.
    public func remainder(dividingBy other: Number) -> Number? {
        if other.isZero { return self }
        if isInfinite || other.isInfinite { return nil }
        if case .small(let a) = storage, case .small(let b) = other.storage,
           precision >= 64 || a.magnitude.bitWidth - a.magnitude.leadingZeroBitCount <= precision - 2 {
            // Exact here: the quotient keeps enough fraction bits that rounding it cannot reach the next
            // integer, and y · q and x - y · q are exact. A zero remainder is +0 (Go's x - x).
            return Number(storage: .small(a % b), precision: precision)
        }
        guard let ratio = dividing(by: other), let whole = ratio.truncatedParts else { return nil }
        // big.Float.Int truncates exactly; SetInt on a copy of x rounds it to x's precision (+0 for zero).
        let truncated = Number.rounding(negative: whole.negative && !whole.magnitude.isZero,
                                        mantissa: whole.magnitude, exponent: 0, precision: precision)
        guard let product = other.multipliedPlain(by: truncated, precision: precision) else { return nil }
        return Number.subtracting(self, product, precision: precision)
    }

    /// The sign and magnitude of the number truncated toward zero (exact); nil for infinities.
    var truncatedParts: (negative: Bool, magnitude: BigUInt)? {
        guard let parts else { return nil }
        if parts.exponent >= 0 { return (parts.negative, parts.mantissa << parts.exponent) }
        return (parts.negative, parts.mantissa >> -parts.exponent)
    }

    /// `big.Float.Sub` into a float of the given precision (both operands finite).
    static func subtracting(_ lhs: Number, _ rhs: Number, precision: Int) -> Number? {
        guard let sum = lhs.adding(-rhs) else { return nil }
        return sum.withPrecision(precision)
    }

    /// Whether `value` (not `Int.min`) has at most `precision` significant bits.
    static func fits(_ value: Int, _ precision: Int) -> Bool {
        precision >= 63 || significantBits(value) <= precision
    }

    /// The bits between the leading and trailing one bits of `|value|` (0 for 0).
    static func significantBits(_ value: Int) -> Int {
        let magnitude = value.magnitude
        if magnitude == 0 { return 0 }
        return UInt.bitWidth - magnitude.leadingZeroBitCount - magnitude.trailingZeroBitCount
    }
}
