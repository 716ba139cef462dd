import BigInt

extension Number: CustomStringConvertible {
    /// The number as Terraform prints it: Go's `big.Float.Text('f', -1)`, the shortest decimal that reads back as
    /// the same number at its precision, without exponent: `0.3` for `0.1 + 0.2`, `100000000000000000000` for
    /// `1e20`, `0.0000001` for `1e-7`, `-0`, `+Inf` and `-Inf`.
    public var description: String {
        if case .small(let value) = storage, Number.exactDigitsAreShortest(value, precision) {
            return String(value)
        }
        return text("f", precision: -1)
    }

    /// The number formatted as Go's `big.Float.Text(format, digits)`.
    ///
    /// `format` is `f` (`-ddd.ddd`), `e` or `E` (`-d.ddde±dd`), `g` or `G` (`e`/`E` for large or small exponents,
    /// `f` otherwise). `digits` is the number of digits after the point for `e`, `E` and `f`, the number of
    /// significant digits for `g` and `G`; any negative value asks for the fewest digits that read back as the same
    /// number at its precision. Decimal rounding is to nearest with exact halves to even (`0.125` with two digits
    /// is `0.12`). Infinities are `+Inf` and `-Inf`; negative numbers and `-0` start with `-`.
    ///
    /// Terraform's `format` and `formatlist` print numbers with it: `%f`/`%e`/`%E` use 6 digits unless given
    /// (`%.2f` → `text("f", precision: 2)`), `%g`/`%G` use -1 unless given, and `%v` is `text("g", precision: -1)`;
    /// Go's width, `+`, space, `-` and `0` flags then pad the text (the caller's job). Other formats (Go's `b`,
    /// `p`, `x`) are not supported and give `%` followed by the format, as Go does for unknown ones.
    public func text(_ format: Character, precision digits: Int) -> String {
        guard format == "f" || format == "e" || format == "E" || format == "g" || format == "G",
              let formatByte = format.asciiValue else {
            return "%" + String(format)
        }
        var out: [UInt8] = isNegative ? [UInt8(ascii: "-")] : []
        guard let parts else {
            if !isNegative { out.append(UInt8(ascii: "+")) }
            out.append(contentsOf: "Inf".utf8)
            return String(decoding: out, as: UTF8.self)
        }
        if format == "f", digits >= 0, case .small(let value) = storage {
            // Whole numbers with a fixed number of decimals need no decimal conversion.
            out = Array(String(value).utf8)
            if digits > 0 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
            }
            return String(decoding: out, as: UTF8.self)
        }

        var decimal = DecimalDigits(mantissa: parts.mantissa, exponent: parts.exponent)
        var digits = digits
        var shortest = false
        if digits < 0 {
            shortest = true
            decimal.roundShortest(mantissa: parts.mantissa, exponent: parts.exponent, precision: precision)
            switch format {
            case "e", "E": digits = decimal.digits.count - 1
            case "f": digits = Swift.max(decimal.digits.count - decimal.exponent, 0)
            default: digits = decimal.digits.count
            }
        } else {
            switch format {
            case "e", "E": decimal.round(1 + digits)
            case "f": decimal.round(decimal.exponent + digits)
            default:
                if digits == 0 { digits = 1 }
                decimal.round(digits)
            }
        }

        switch format {
        case "e", "E":
            decimal.appendE(to: &out, format: formatByte, digits: digits)
        case "f":
            decimal.appendF(to: &out, digits: digits)
        default:
            var exponentDigits = digits
            if exponentDigits > decimal.digits.count, decimal.digits.count >= decimal.exponent {
                exponentDigits = decimal.digits.count
            }
            if shortest { exponentDigits = 6 }
            let exponent = decimal.exponent - 1
            let eFormat = format == "g" ? UInt8(ascii: "e") : UInt8(ascii: "E")
            if exponent < -4 || exponent >= exponentDigits {
                if digits > decimal.digits.count { digits = decimal.digits.count }
                decimal.appendE(to: &out, format: eFormat, digits: digits - 1)
            } else {
                if digits > decimal.exponent { digits = decimal.digits.count }
                decimal.appendF(to: &out, digits: Swift.max(digits - decimal.exponent, 0))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether the plain digits of `value` are its shortest round-tripping decimal at `precision`: true when the
    /// value needs at most `precision` bits, so that half a unit in the last place is at most 1/2 and no other
    /// decimal with fewer significant digits lies that close.
    static func exactDigitsAreShortest(_ value: Int, _ precision: Int) -> Bool {
        let magnitude = value.magnitude
        return UInt.bitWidth - magnitude.leadingZeroBitCount <= precision
    }
}

/// A nonnegative decimal `0.d₁d₂…dₙ · 10^exponent` without trailing zero digits (Go's `math/big` `decimal`),
/// used for exact binary-to-decimal conversion and rounding.
struct DecimalDigits {
    /// The digits, each 0 through 9; empty for zero.
    var digits: [UInt8]
    /// The decimal exponent of the point.
    var exponent: Int

    /// The exact decimal value of `mantissa · 2^exponent`.
    init(mantissa: BigUInt, exponent binaryExponent: Int) {
        guard !mantissa.isZero else {
            digits = []
            exponent = 0
            return
        }
        var mantissa = mantissa
        var shift = binaryExponent
        if shift < 0 {
            let removable = Swift.min(mantissa.trailingZeroBitCount, -shift)
            mantissa >>= removable
            shift += removable
        }
        var scaled: BigUInt
        if shift >= 0 {
            scaled = mantissa << shift
        } else {
            // m · 2^-k = m · 5^k · 10^-k.
            scaled = mantissa
            var remaining = -shift
            while remaining >= 27 {
                scaled.multiply(byWord: 7_450_580_596_923_828_125)  // 5^27, the largest power of 5 in a word
                remaining -= 27
            }
            var factor: UInt = 1
            for _ in 0..<remaining { factor *= 5 }
            scaled.multiply(byWord: factor)
        }
        var bytes = DecimalDigits.decimalDigits(of: scaled)
        exponent = bytes.count + Swift.min(shift, 0)
        while let last = bytes.last, last == 0 { bytes.removeLast() }
        digits = bytes
    }

    /// The decimal digits (0 through 9, most significant first) of a nonzero `value`, by repeated division of its
    /// words by 10^19 (much faster than `String(value)`, which dominates otherwise).
    static func decimalDigits(of value: BigUInt) -> [UInt8] {
        let chunkDivisor: UInt = 10_000_000_000_000_000_000
        var words = Array(value.words)
        var chunks: [UInt] = []
        chunks.reserveCapacity(words.count * 64 / 63 + 1)
        while let top = words.last, top == 0 { words.removeLast() }
        while !words.isEmpty {
            var remainder: UInt = 0
            var index = words.count - 1
            while index >= 0 {
                let (quotient, rest) = chunkDivisor.dividingFullWidth((high: remainder, low: words[index]))
                words[index] = quotient
                remainder = rest
                index -= 1
            }
            chunks.append(remainder)
            while let top = words.last, top == 0 { words.removeLast() }
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(chunks.count * 19)
        var chunk = [UInt8](repeating: 0, count: 19)
        for (position, value) in chunks.enumerated().reversed() {
            var rest = value
            var index = 18
            while index >= 0 {
                chunk[index] = UInt8(rest % 10)
                rest /= 10
                index -= 1
            }
            if position == chunks.count - 1 {
                // The leading chunk without its leading zeros.
                let first = chunk.firstIndex { $0 != 0 } ?? 18
                digits.append(contentsOf: chunk[first...])
            } else {
                digits.append(contentsOf: chunk)
            }
        }
        return digits
    }

    /// The digit at `index`, 0 past either end.
    func digit(at index: Int) -> UInt8 {
        index >= 0 && index < digits.count ? digits[index] : 0
    }

    /// Rounds to `count` digits, to nearest with exact halves to even; nothing when `count` is negative or not
    /// below the number of digits.
    mutating func round(_ count: Int) {
        guard count >= 0, count < digits.count else { return }
        if shouldRoundUp(count) { roundUp(count) } else { roundDown(count) }
    }

    private func shouldRoundUp(_ count: Int) -> Bool {
        if digits[count] == 5, count + 1 == digits.count {
            return count > 0 && digits[count - 1] & 1 != 0
        }
        return digits[count] >= 5
    }

    mutating func roundUp(_ count: Int) {
        guard count >= 0, count < digits.count else { return }
        var n = count
        while n > 0, digits[n - 1] >= 9 { n -= 1 }
        if n == 0 {
            digits = [1]
            exponent += 1
            return
        }
        digits[n - 1] += 1
        digits.removeSubrange(n...)
    }

    mutating func roundDown(_ count: Int) {
        guard count >= 0, count < digits.count else { return }
        digits.removeSubrange(count...)
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { exponent = 0 }
    }

    /// Shortens the digits of `mantissa · 2^exponent` (this decimal) to the fewest that still round to the same
    /// `precision`-bit float, as Go's `roundShortest`.
    mutating func roundShortest(mantissa: BigUInt, exponent binaryExponent: Int, precision: Int) {
        guard !digits.isEmpty else { return }
        // A mantissa of precision + 1 bits whose last bit is half a unit in the last place.
        let shift = precision + 1 - mantissa.bitWidth
        let scaled = shift >= 0 ? mantissa << shift : mantissa >> -shift
        let scaledExponent = binaryExponent - shift
        // Fast exit: when half an ulp (2^scaledExponent) is below a tenth of a unit in the last of these exact
        // digits, the bounds share every digit but the last with them and Go's walk below keeps them all.
        if Double(scaledExponent) * 0.3010299956639812 < Double(exponent - digits.count - 1) { return }
        let lower = DecimalDigits(mantissa: scaled - 1, exponent: scaledExponent)
        let upper = DecimalDigits(mantissa: scaled + 1, exponent: scaledExponent)
        // The bounds themselves round to this float only if its mantissa is even (ties to even).
        let inclusive = !scaled[bitAt: 1]
        for (index, current) in digits.enumerated() {
            let low = lower.digit(at: index)
            let high = upper.digit(at: index)
            let canRoundDown = low != current || inclusive && index + 1 == lower.digits.count
            let canRoundUp = current != high && (inclusive || current + 1 < high || index + 1 < upper.digits.count)
            if canRoundDown && canRoundUp {
                round(index + 1)
                return
            } else if canRoundDown {
                roundDown(index + 1)
                return
            } else if canRoundUp {
                roundUp(index + 1)
                return
            }
        }
    }

    /// `d.ddddde±dd` with `digits` digits after the point.
    func appendE(to out: inout [UInt8], format: UInt8, digits count: Int) {
        out.append(digits.isEmpty ? UInt8(ascii: "0") : digits[0] + UInt8(ascii: "0"))
        if count > 0 {
            out.append(UInt8(ascii: "."))
            var index = 1
            let available = Swift.min(digits.count, count + 1)
            while index < available {
                out.append(digits[index] + UInt8(ascii: "0"))
                index += 1
            }
            while index <= count {
                out.append(UInt8(ascii: "0"))
                index += 1
            }
        }
        out.append(format)
        var exponentValue = digits.isEmpty ? 0 : exponent - 1
        if exponentValue < 0 {
            out.append(UInt8(ascii: "-"))
            exponentValue = -exponentValue
        } else {
            out.append(UInt8(ascii: "+"))
        }
        if exponentValue < 10 { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: String(exponentValue).utf8)
    }

    /// `ddd.ddd` with `digits` digits after the point.
    func appendF(to out: inout [UInt8], digits count: Int) {
        if exponent > 0 {
            let available = Swift.min(digits.count, exponent)
            for index in 0..<available { out.append(digits[index] + UInt8(ascii: "0")) }
            if exponent > available {
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent - available))
            }
        } else {
            out.append(UInt8(ascii: "0"))
        }
        if count > 0 {
            out.append(UInt8(ascii: "."))
            for index in 0..<count { out.append(digit(at: exponent + index) + UInt8(ascii: "0")) }
        }
    }
}
