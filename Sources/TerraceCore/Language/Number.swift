import BigInt

/// A Terraform number: a cty number, which is a Go `math/big.Float` rounded to nearest, ties to even.
///
/// Like a `big.Float`, a number carries a binary precision (the number of mantissa bits it keeps), and it matters:
/// cty parses literals and strings at 512 bits (`init(parsing:)`), makes numbers from Go integers at 64 bits
/// (`init(_: Int)`, like `cty.NumberIntVal`) and from Go floats at 53 bits (`init(_: Double)`, like
/// `cty.NumberFloatVal`). Sums and quotients are rounded to the larger precision of their operands, which is why
/// Terraform prints `1/3` with 155 digits but `length([1])/length([1,1,1])` with 20. Equality, ordering and hashing
/// ignore the precision and compare numeric values only (`-0 == 0`).
///
/// Besides finite values there are `±infinity` (Terraform yields `+Inf` for `1/0`) and the signed zero `-0`
/// (Terraform prints `0 * -5` as `-0`). There is no NaN: the operations that would make one (`0/0`, `∞ - ∞`,
/// `0 × ∞`) return `nil`, where Go panics with `big.ErrNaN` and Terraform reports an error.
///
/// Whole numbers that fit an `Int` are stored inline, so literals like `2` or `8080`, their arithmetic and their
/// printing never touch big integers.
public struct Number: Sendable {
    /// The value. Every value has exactly one representation, whatever the precision, so that equal numbers have
    /// equal storage (except `-0`, which equals `small(0)`).
    enum Storage: Sendable, Hashable {
        /// A whole number; never `Int.min` (its magnitude needs 64 bits), and `0` is `+0`.
        case small(Int)
        /// `-0`.
        case negativeZero
        /// `±mantissa · 2^exponent` with an odd mantissa, for every finite nonzero value `small` cannot hold.
        case big(negative: Bool, mantissa: BigUInt, exponent: Int)
        /// `±∞`.
        case infinity(negative: Bool)
    }

    let storage: Storage

    /// The binary precision in bits, as `big.Float.Prec()`: 512 for parsed numbers, 64 for `init(_: Int)`, 53 for
    /// `init(_: Double)`, and the larger precision of the operands for results. It decides how results are rounded
    /// and how many digits the shortest `description` needs; it never takes part in equality.
    public let precision: Int

    init(storage: Storage, precision: Int) {
        self.storage = storage
        self.precision = precision
    }

    /// The precision cty uses for numbers parsed from text: 512 bits.
    public static let parsingPrecision = 512
    /// The precision of `big.Float.SetInt64`, which `cty.NumberIntVal` uses: 64 bits.
    public static let integerPrecision = 64
    /// The precision of `big.Float.SetFloat64`, which `cty.NumberFloatVal` uses: 53 bits.
    public static let doublePrecision = 53

    /// Zero (`cty.Zero`).
    public static let zero = Number(storage: .small(0), precision: integerPrecision)
    /// One.
    public static let one = Number(storage: .small(1), precision: integerPrecision)
    /// Positive infinity (`cty.PositiveInfinity`).
    public static let infinity = Number(storage: .infinity(negative: false), precision: doublePrecision)
    /// Negative infinity (`cty.NegativeInfinity`).
    public static let negativeInfinity = Number(storage: .infinity(negative: true), precision: doublePrecision)

    /// The number equal to `value`, at 64 bits like `cty.NumberIntVal`.
    public init(_ value: Int) {
        if value == Int.min {
            self = Number.rounding(negative: true, mantissa: BigUInt(value.magnitude), exponent: 0,
                                   precision: Number.integerPrecision)
        } else {
            self.init(storage: .small(value), precision: Number.integerPrecision)
        }
    }

    /// The number equal to `value`, exactly, like `big.Float.SetInt` on a new float: its precision is the larger
    /// of 64 and the bit length of `value` (which is how cty's `parseint` makes numbers).
    public init(_ value: BigInt) {
        let precision = Swift.max(Number.integerPrecision, value.magnitude.bitWidth)
        self = Number.rounding(negative: value.sign == .minus, mantissa: value.magnitude, exponent: 0,
                               precision: precision)
    }

    /// The number equal to `value`, exactly, at 53 bits like `cty.NumberFloatVal`.
    ///
    /// A NaN has no number (Go panics); it becomes `+0`, so callers must reject NaN before (as Terraform's `log`
    /// and `pow` never produce numbers from NaN without failing).
    public init(_ value: Double) {
        let precision = Number.doublePrecision
        if value.isNaN {
            self.init(storage: .small(0), precision: precision)
        } else if value.isInfinite {
            self.init(storage: .infinity(negative: value < 0), precision: precision)
        } else if value == 0 {
            self.init(storage: value.sign == .minus ? .negativeZero : .small(0), precision: precision)
        } else if value == value.rounded(.towardZero), value.magnitude < 0x1p62 {
            self.init(storage: .small(Int(value)), precision: precision)
        } else {
            let significand = BigUInt(value.significandBitPattern) | (value.isNormal ? BigUInt(1) << 52 : 0)
            let exponent = value.isNormal ? Int(value.exponent) - 52 : -1074
            self = Number.rounding(negative: value.sign == .minus, mantissa: significand, exponent: exponent,
                                   precision: precision)
        }
    }

    /// The number `±mantissa · 2^exponent` rounded to `precision` bits, to nearest with ties to even, as every
    /// `big.Float` operation rounds. `sticky` says the exact value lies strictly above `mantissa · 2^exponent` in
    /// magnitude, by less than one unit of `mantissa`'s last bit (a division's nonzero remainder). A binary exponent
    /// beyond Go's `int32` range overflows to infinity or underflows to zero, as in Go.
    static func rounding(
        negative: Bool, mantissa: BigUInt, exponent: Int, precision: Int, sticky: Bool = false
    ) -> Number {
        var mantissa = mantissa
        var exponent = exponent
        if sticky {
            mantissa = (mantissa << 1) | 1
            exponent -= 1
        }
        if mantissa.isZero {
            return Number(storage: negative ? .negativeZero : .small(0), precision: precision)
        }
        let width = mantissa.bitWidth
        if width > precision {
            let shift = width - precision
            let half = mantissa[bitAt: shift - 1]
            var kept = mantissa >> shift
            if half {
                let below = mantissa.trailingZeroBitCount < shift - 1
                if below || kept[bitAt: 0] {
                    kept += 1
                }
            }
            mantissa = kept
            exponent += shift
        }
        let zeros = mantissa.trailingZeroBitCount
        if zeros > 0 {
            mantissa >>= zeros
            exponent += zeros
        }
        // Go keeps the exponent of 0.1xxx · 2^e in an int32.
        let goExponent = exponent + mantissa.bitWidth
        if goExponent > Int(Int32.max) {
            return Number(storage: .infinity(negative: negative), precision: precision)
        }
        if goExponent < Int(Int32.min) {
            return Number(storage: negative ? .negativeZero : .small(0), precision: precision)
        }
        return Number(storage: canonical(negative: negative, mantissa: mantissa, exponent: exponent),
                      precision: precision)
    }

    /// The storage of `±mantissa · 2^exponent` (mantissa odd and nonzero).
    static func canonical(negative: Bool, mantissa: BigUInt, exponent: Int) -> Storage {
        if exponent >= 0, mantissa.bitWidth + exponent <= 63 {
            let magnitude = Int(mantissa) << exponent
            return .small(negative ? -magnitude : magnitude)
        }
        return .big(negative: negative, mantissa: mantissa, exponent: exponent)
    }

    /// The storage of a finite value as sign, mantissa and exponent (mantissa zero for zeros); nil for infinities.
    var parts: (negative: Bool, mantissa: BigUInt, exponent: Int)? {
        switch storage {
        case .small(let value):
            return (value < 0, BigUInt(value.magnitude), 0)
        case .negativeZero:
            return (true, 0, 0)
        case .big(let negative, let mantissa, let exponent):
            return (negative, mantissa, exponent)
        case .infinity:
            return nil
        }
    }
}

extension Number {
    /// Whether the number is `+∞` or `-∞`.
    public var isInfinite: Bool {
        if case .infinity = storage { return true }
        return false
    }

    /// Whether the number is `+0` or `-0`.
    public var isZero: Bool {
        switch storage {
        case .small(let value): value == 0
        case .negativeZero: true
        default: false
        }
    }

    /// Whether the sign bit is set: true for negative numbers, `-∞` and `-0`.
    public var isNegative: Bool {
        switch storage {
        case .small(let value): value < 0
        case .negativeZero: true
        case .big(let negative, _, _): negative
        case .infinity(let negative): negative
        }
    }

    /// Whether the number is finite and whole (`big.Float.IsInt`).
    public var isInteger: Bool {
        switch storage {
        case .small, .negativeZero: true
        case .big(_, _, let exponent): exponent >= 0
        case .infinity: false
        }
    }

    /// The number as an `Int` when it is whole and within `Int`'s range; nil otherwise.
    public var intValue: Int? {
        switch storage {
        case .small(let value): return value
        case .negativeZero: return 0
        case .big(let negative, let mantissa, let exponent):
            // Only -2^63 is a whole number in Int's range that `small` does not hold.
            if negative, mantissa == 1, exponent == 63 { return Int.min }
            return nil
        case .infinity: return nil
        }
    }

    /// The number as an exact integer when it is finite and whole; nil otherwise.
    public var integerValue: BigInt? {
        switch storage {
        case .small(let value): return BigInt(value)
        case .negativeZero: return 0
        case .big(let negative, let mantissa, let exponent):
            guard exponent >= 0 else { return nil }
            let magnitude = BigInt(mantissa << exponent)
            return negative ? -magnitude : magnitude
        case .infinity: return nil
        }
    }

    /// The `Double` nearest the number, ties to even, as `big.Float.Float64`: huge values become infinities and
    /// tiny ones subnormals or zeros.
    public var doubleValue: Double {
        switch storage {
        case .small(let value):
            return Double(value)
        case .negativeZero:
            return -0.0
        case .infinity(let negative):
            return negative ? -.infinity : .infinity
        case .big(let negative, let mantissa, let exponent):
            // Position of the leading bit, then how many bits a double keeps there (fewer when subnormal).
            let top = exponent + mantissa.bitWidth - 1
            if top >= 1024 { return negative ? -.infinity : .infinity }
            let keep = top >= -1022 ? 53 : top + 1075
            if keep <= 0 {
                // Below half the smallest subnormal (or exactly half: ties to even gives zero).
                if keep == 0, mantissa.bitWidth > 1 {
                    return negative ? -0x1p-1074 : 0x1p-1074
                }
                return negative ? -0.0 : 0.0
            }
            let rounded = Number.rounding(negative: negative, mantissa: mantissa, exponent: exponent, precision: keep)
            guard let parts = rounded.parts else { return negative ? -.infinity : .infinity }
            let significand = Double(UInt64(parts.mantissa))
            let magnitude = Double(sign: .plus, exponent: parts.exponent, significand: significand)
            return negative ? -magnitude : magnitude
        }
    }

    /// The number rounded to a whole number by `rule`, as cty's `floor` and `ceil` do: the result keeps the
    /// precision (rounded to it, like `big.Float.SetInt`), whole zeros come out as `+0`, infinities are unchanged.
    /// Supports `.down`, `.up`, `.towardZero`, `.toNearestOrAwayFromZero`, `.toNearestOrEven`, `.awayFromZero`.
    public func rounded(_ rule: FloatingPointRoundingRule) -> Number {
        guard let parts else { return self }
        if case .small(let value) = storage { return Number(storage: .small(value), precision: precision) }
        if parts.mantissa.isZero { return Number(storage: .small(0), precision: precision) }
        if parts.exponent >= 0 { return self }
        let shift = -parts.exponent
        let truncated = parts.mantissa >> shift
        // The fraction is nonzero since the mantissa is odd and the exponent negative.
        let halfBit = parts.mantissa[bitAt: shift - 1]
        let exactlyHalf = halfBit && parts.mantissa.trailingZeroBitCount == shift - 1
        let awayFromZero: Bool
        switch rule {
        case .down: awayFromZero = parts.negative
        case .up: awayFromZero = !parts.negative
        case .towardZero: awayFromZero = false
        case .awayFromZero: awayFromZero = true
        case .toNearestOrAwayFromZero: awayFromZero = halfBit
        case .toNearestOrEven: awayFromZero = halfBit && (!exactlyHalf || truncated[bitAt: 0])
        @unknown default: awayFromZero = halfBit
        }
        let magnitude = awayFromZero ? truncated + 1 : truncated
        if magnitude.isZero { return Number(storage: .small(0), precision: precision) }
        return Number.rounding(negative: parts.negative, mantissa: magnitude, exponent: 0, precision: precision)
    }

    /// The number with the given precision in bits, rounded to it (`big.Float.SetPrec`, but precisions below 1
    /// count as 1: Go's `SetPrec(0)` makes zero, which nothing in cty asks for). `withPrecision(512)` makes an
    /// `init(_: Int)` number behave like a parsed literal.
    public func withPrecision(_ newPrecision: Int) -> Number {
        let newPrecision = Swift.max(1, newPrecision)
        guard newPrecision != precision else { return self }
        guard let parts, !parts.mantissa.isZero else { return Number(storage: storage, precision: newPrecision) }
        return Number.rounding(negative: parts.negative, mantissa: parts.mantissa, exponent: parts.exponent,
                               precision: newPrecision)
    }
}

extension Number: Equatable, Hashable, Comparable {
    /// Numeric equality: `-0 == 0`; the precision does not matter.
    public static func == (lhs: Number, rhs: Number) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.negativeZero, .small(0)), (.small(0), .negativeZero): true
        default: lhs.storage == rhs.storage
        }
    }

    /// Hashes the numeric value (`-0` like `0`).
    public func hash(into hasher: inout Hasher) {
        if case .negativeZero = storage {
            hasher.combine(Storage.small(0))
        } else {
            hasher.combine(storage)
        }
    }

    /// Numeric order, with `-∞` below and `+∞` above every finite number, and `-0 == 0`.
    public static func < (lhs: Number, rhs: Number) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// -1, 0 or 1 as `lhs` is below, equal to or above `rhs` (`big.Float.Cmp`).
    static func compare(_ lhs: Number, _ rhs: Number) -> Int {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            return a < b ? -1 : (a == b ? 0 : 1)
        }
        let left = lhs.orderClass
        let right = rhs.orderClass
        if left != right { return left < right ? -1 : 1 }
        switch left {
        case -2, 0, 2: return 0
        default:
            // Both nonzero finite with the same sign.
            guard let a = lhs.parts, let b = rhs.parts else { return 0 }
            let magnitudeOrder = compareMagnitudes(a.mantissa, a.exponent, b.mantissa, b.exponent)
            return left < 0 ? -magnitudeOrder : magnitudeOrder
        }
    }

    /// -2 for -∞, -1 for negative finite, 0 for zeros, 1 for positive finite, 2 for +∞.
    private var orderClass: Int {
        switch storage {
        case .small(let value): value < 0 ? -1 : (value == 0 ? 0 : 1)
        case .negativeZero: 0
        case .big(let negative, _, _): negative ? -1 : 1
        case .infinity(let negative): negative ? -2 : 2
        }
    }

    /// Compares `a · 2^ea` with `b · 2^eb` (both nonzero).
    static func compareMagnitudes(_ a: BigUInt, _ ea: Int, _ b: BigUInt, _ eb: Int) -> Int {
        let topA = ea + a.bitWidth
        let topB = eb + b.bitWidth
        if topA != topB { return topA < topB ? -1 : 1 }
        let left = ea > eb ? a << (ea - eb) : a
        let right = eb > ea ? b << (eb - ea) : b
        return left < right ? -1 : (left == right ? 0 : 1)
    }
}
