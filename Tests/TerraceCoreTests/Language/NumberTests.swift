import BigInt
import Foundation
import Testing
@testable import TerraceCore

/// Makes a number from a vector input: "p:" parses (cty.ParseNumberVal), "i:" is an Int (cty.NumberIntVal), "d:" a
/// Double (cty.NumberFloatVal).
private func number(_ spec: String) -> Number? {
    let body = String(spec.dropFirst(2))
    switch spec.prefix(2) {
    case "p:": return Number(parsing: body)
    case "i:": return Int(body).map { Number($0) }
    case "d:": return Double(body).map { Number($0) }
    default: return nil
    }
}

/// A parsed literal (tests only: the inputs are valid).
private func n(_ text: String) -> Number {
    Number(parsing: text)!
}

/// "Text('f',-1)|Prec()" of a result, or "nil".
private func summary(_ value: Number?) -> String {
    guard let value else { return "nil" }
    return "\(value.description)|\(value.precision)"
}

@Suite struct NumberTests {
    // MARK: Go reference vectors

    @Test func parsingAndFormattingMatchGo() {
        for vector in numberParseVectors {
            let (input, f, precision, e10, g, upperE, g5, f2, f0, e, doubleBits) = vector
            guard let value = number(input) else {
                Issue.record("\(input) did not parse")
                continue
            }
            #expect(value.description == f, "\(input)")
            #expect(value.text("f", precision: -1) == f, "\(input)")
            #expect(value.precision == precision, "\(input)")
            #expect(value.text("e", precision: 10) == e10, "\(input)")
            #expect(value.text("g", precision: -1) == g, "\(input)")
            #expect(value.text("E", precision: -1) == upperE, "\(input)")
            #expect(value.text("g", precision: 5) == g5, "\(input)")
            #expect(value.text("f", precision: 2) == f2, "\(input)")
            #expect(value.text("f", precision: 0) == f0, "\(input)")
            #expect(value.text("e", precision: -1) == e, "\(input)")
            #expect(value.doubleValue.bitPattern == doubleBits, "\(input): \(value.doubleValue)")
        }
    }

    @Test func parsingRejectsWhatGoRejects() {
        for input in numberRejectedVectors {
            #expect(number(input) == nil, "\(input)")
        }
    }

    /// Magnitudes beyond 2^±32768 (about 1e±9864) are rejected so that no literal can make printing slow; zeros
    /// take any exponent.
    @Test func parsingBoundsMagnitudes() {
        for input in numberBeyondBoundVectors {
            #expect(number(input) == nil, "\(input)")
        }
        #expect(Number(parsing: "1e9800")?.description == "1" + String(repeating: "0", count: 9800))
        #expect(Number(parsing: "-1e-9800")?.isNegative == true)
        #expect(Number(parsing: "1e9900") == nil)
        #expect(Number(parsing: "1e-9900") == nil)
        #expect(Number(parsing: "0e999999999") == Number.zero)
        #expect(Number(parsing: "-0e-999999999")?.isNegative == true)
        #expect(Number(parsing: "1e99999999999999999999") == nil)
        #expect(Number(parsing: "0.5e-9223372036854775807") == nil)
        // Many fraction digits balance a large exponent.
        let digits = "0." + String(repeating: "0", count: 20_000) + "1e20001"
        #expect(Number(parsing: digits)?.description == "1")
    }

    @Test func arithmeticMatchesGo() {
        for (left, right, sum, difference, product, quotient, remainder, order) in numberOperationVectors {
            guard let a = number(left), let b = number(right) else {
                Issue.record("\(left) or \(right) did not parse")
                continue
            }
            #expect(summary(a + b) == sum, "\(left) + \(right)")
            #expect(summary(a - b) == difference, "\(left) - \(right)")
            #expect(summary(a * b) == product, "\(left) * \(right)")
            #expect(summary(a / b) == quotient, "\(left) / \(right)")
            #expect(summary(a % b) == remainder, "\(left) % \(right)")
            #expect(Number.compare(a, b) == order, "\(left) <=> \(right)")
            #expect((a < b) == (order < 0), "\(left) < \(right)")
            #expect((a == b) == (order == 0), "\(left) == \(right)")
        }
    }

    // MARK: Terraform console

    /// Checked with `terraform console` (Terraform 1.11): `jsonencode(EXPR)`.
    @Test func printsAsTerraformConsole() throws {
        let tenth = n("0.1"), fifth = n("0.2")
        #expect((tenth + fifth)?.description == "0.3")
        let third = try #require(n("1").dividing(by: n("3")))
        #expect(third.description == "0." + String(repeating: "3", count: 154) + "5")
        #expect(n("1e20").description == "100000000000000000000")
        #expect(n("1e-7").description == "0.0000001")
        #expect(n("-0").description == "-0")
        #expect((n("12345678901234567890123") * n("3"))?.description == "37037036703703703670369")
        #expect((n("1e20") + n("1"))?.description == "100000000000000000001")
        let twoThirds = try #require(n("2").dividing(by: n("3")))
        #expect((twoThirds * n("3"))?.description == "2")
        // length([1]) / length([1,1,1]): both are cty.NumberIntVal, so 64 bits.
        #expect((Number(1) / Number(3))?.description == "0.33333333333333333334")
        // pow(2, 0.5) / length([1,1,1]): a float64 divided by an int64 gives 64 bits.
        #expect((Number(2.0.squareRoot()) / Number(3))?.description == "0.47140452079103171515")
        #expect(Number(2.0.squareRoot()).description == "1.4142135623730951")
        #expect((Number(2) * n("0.1"))?.description == "0.2")
        #expect((n("0") * n("-5"))?.description == "-0")
        #expect((n("0") / n("-5"))?.description == "-0")
        #expect((n("-5") % n("3"))?.description == "-2")
        #expect((n("5.5") % n("-2"))?.description == "1.5")
        #expect((n("5") % n("-0"))?.description == "5")
        #expect(n("+5").description == "5")
        #expect(n("1p3").description == "8")
        #expect(n("-inf") < Number.zero)
        // Terraform (Go) gives +Inf and 0 here; we reject numbers beyond 2^±32768 (documented deviation).
        #expect(Number(parsing: "1e1000000000") == nil)
        #expect(Number(parsing: "1e-1000000000") == nil)
        #expect(Number(parsing: "1e3000000000") == nil)
        #expect(Number(parsing: "0x10") == nil)
        #expect(Number(parsing: "1_000") == nil)
        #expect(Number(parsing: " 5") == nil)
        let infinity = try #require(n("1").dividing(by: n("0")))
        #expect(infinity.description == "+Inf")
        #expect(infinity > n("5"))
        #expect((n("0") / n("0")) == nil)
        #expect((infinity % n("5")) == nil)
        #expect((n("5") % infinity) == nil)
    }

    /// More answers of `terraform console`, including `format` verbs (`%.3e` → `text("e", precision: 3)`, `%g` and
    /// `%v` → `text("g", precision: -1)`, `%f` → `text("f", precision: 6)`, `%.0f`, `%e`, `%G`).
    @Test func matchesMoreTerraformAnswers() throws {
        let third = try #require(n("1").dividing(by: n("3")))
        #expect((third * n("3"))?.description == "1")
        #expect((n("0.1") * n("3"))?.description == "0.3")
        #expect((n("10") / n("4"))?.description == "2.5")
        #expect((n("-7") % n("3"))?.description == "-1")
        #expect((n("7.5") % n("2"))?.description == "1.5")
        #expect((n("1e20") * n("1e20"))?.description == "1" + String(repeating: "0", count: 40))
        #expect(third.text("e", precision: 3) == "3.333e-01")
        #expect(third.text("g", precision: -1) == "0." + String(repeating: "3", count: 154) + "5")
        #expect(n("1e20").text("g", precision: -1) == "1e+20")
        #expect(n("0.1").text("f", precision: 6) == "0.100000")
        #expect(n("2.5").text("f", precision: 0) == "2")
        #expect(n("-0").text("e", precision: 6) == "-0.000000e+00")
        #expect(n("1e-7").text("G", precision: -1) == "1E-07")
        #expect(n("-0.5").rounded(.up).description == "0")
        #expect(n("-0").rounded(.down).description == "0")
        #expect(n("1p-1").description == "0.5")
        // length([1,2]) / 3 * 3
        let twoThirds = try #require(Number(2).dividing(by: n("3")))
        #expect((twoThirds * n("3"))?.description == "2")
        #expect((n("0.1") + n("0.7"))?.description == "0.8")
        #expect(n("1e-5").description == "0.00001")
        #expect((n("123456789.123456789") * n("1000"))?.description == "123456789123.456789")
        // pow(2, 64) + 1: a float64 result plus a 512-bit literal.
        #expect((Number(0x1p64) + n("1"))?.description == "18446744073709551617")
        #expect((n("2.5e-3") % n("0.1"))?.description == "0.0025")
    }

    // MARK: Representation

    @Test func equalNumbersAreEqualAndHashEqually() throws {
        let parsed = try #require(Number(parsing: "2"))
        #expect(parsed == Number(2))
        #expect(parsed == Number(2.0))
        #expect(parsed.hashValue == Number(2).hashValue)
        let negativeZero = try #require(Number(parsing: "-0"))
        #expect(negativeZero == Number.zero)
        #expect(negativeZero.hashValue == Number.zero.hashValue)
        #expect(negativeZero.isNegative && negativeZero.isZero)
        #expect(!(negativeZero < Number.zero) && !(Number.zero < negativeZero))
        #expect(Set([negativeZero, Number.zero, parsed, Number(2)]).count == 2)
        let big = try #require(Number(parsing: "9223372036854775808"))
        #expect(big == Number(BigInt(1) << 63))
        #expect(Number(Int.min) == -big)
        #expect(try #require(Number(parsing: "1.50")) == Number(1.5))
        #expect(try #require(Number(parsing: "100e-2")) == Number.one)
    }

    @Test func orderIncludesInfinities() throws {
        let values: [Number] = try [
            Number.negativeInfinity, #require(Number(parsing: "-1e400")), Number(Int.min), Number(-3),
            #require(Number(parsing: "-0.5")), Number.zero, #require(Number(parsing: "1e-400")), Number(1),
            #require(Number(parsing: "1.0000000000000000000001")), Number(Int.max),
            #require(Number(parsing: "1e400")), Number.infinity,
        ]
        for (i, a) in values.enumerated() {
            for (j, b) in values.enumerated() {
                #expect((a < b) == (i < j), "\(a) < \(b)")
                #expect((a == b) == (i == j), "\(a) == \(b)")
            }
        }
    }

    @Test func integerViews() throws {
        #expect(Number(8080).intValue == 8080)
        #expect(Number(Int.min).intValue == Int.min)
        #expect(Number(Int.max).intValue == Int.max)
        #expect(Number(parsing: "9223372036854775808")?.intValue == nil)
        #expect(Number(parsing: "9223372036854775808")?.integerValue == BigInt(1) << 63)
        #expect(Number(parsing: "-1e30")?.integerValue == -BigInt(10).power(30))
        #expect(Number(parsing: "2.5")?.intValue == nil)
        #expect(Number(parsing: "2.5")?.integerValue == nil)
        #expect(Number(parsing: "2.5")?.isInteger == false)
        #expect(Number(parsing: "1e400")?.isInteger == true)
        #expect(Number.infinity.isInteger == false)
        #expect(Number.infinity.intValue == nil)
        #expect(Number(parsing: "-0")?.intValue == 0)
        #expect(Number(BigInt(-12345)).intValue == -12345)
        #expect(Number(BigInt(1) << 600).precision == 601)
    }

    @Test func doubles() throws {
        #expect(Number(0.1).description == "0.1")
        #expect(Number(0.1).precision == 53)
        #expect(Number(0.1) != Number(parsing: "0.1"))
        #expect(Number(0.1).doubleValue == 0.1)
        #expect(Number(-0.0).isNegative && Number(-0.0).isZero)
        #expect(Number(Double.infinity) == Number.infinity)
        #expect(Number(-Double.infinity) == Number.negativeInfinity)
        #expect(Number(Double.leastNonzeroMagnitude).doubleValue == Double.leastNonzeroMagnitude)
        #expect(Number(Double.greatestFiniteMagnitude).doubleValue == Double.greatestFiniteMagnitude)
        #expect(Number(parsing: "1e400")?.doubleValue == Double.infinity)
        #expect(Number(parsing: "-1e-400")?.doubleValue.bitPattern == (-0.0).bitPattern)
        #expect(Number(Double.nan) == Number.zero)
    }

    @Test func rounding() throws {
        let cases: [(String, String, String, String, String)] = [
            // value, down (floor), up (ceil), toward zero, to nearest or away from zero
            ("2.5", "2", "3", "2", "3"),
            ("-2.5", "-3", "-2", "-2", "-3"),
            ("0.1", "0", "1", "0", "0"),
            ("-0.1", "-1", "0", "0", "0"),
            ("7", "7", "7", "7", "7"),
            ("1e400", "1e400", "1e400", "1e400", "1e400"),
            ("12345678901234567890.5", "12345678901234567890", "12345678901234567891", "12345678901234567890",
             "12345678901234567891"),
        ]
        for (input, down, up, towardZero, nearest) in cases {
            let value = n(input)
            #expect(value.rounded(.down) == (n(down)), "floor \(input)")
            #expect(value.rounded(.up) == (n(up)), "ceil \(input)")
            #expect(value.rounded(.towardZero) == (n(towardZero)), "trunc \(input)")
            #expect(value.rounded(.toNearestOrAwayFromZero) == (n(nearest)), "round \(input)")
        }
        // cty's ceil(-0.5) and floor(-0) are +0 (big.Int has no negative zero).
        #expect(n("-0.5").rounded(.up).isNegative == false)
        #expect(n("-0").rounded(.down).isNegative == false)
        #expect(n("-2.5").rounded(.toNearestOrEven) == Number(-2))
        #expect(n("3.5").rounded(.toNearestOrEven) == Number(4))
        #expect(Number.infinity.rounded(.down) == Number.infinity)
        #expect(Number(2.5).rounded(.down).precision == 53)
    }

    @Test func textFormats() throws {
        #expect(n("3.14159").text("f", precision: 2) == "3.14")
        #expect(n("0.125").text("f", precision: 2) == "0.12")
        #expect(n("0.375").text("f", precision: 2) == "0.38")
        #expect(n("-0").text("f", precision: 3) == "-0.000")
        #expect(n("8080").text("f", precision: 3) == "8080.000")
        #expect(n("8080").text("e", precision: 3) == "8.080e+03")
        #expect(n("1e-7").text("g", precision: -1) == "1e-07")
        #expect(n("123456").text("g", precision: -1) == "123456")
        #expect(n("1234567").text("g", precision: -1) == "1.234567e+06")
        #expect(n("1234567").text("G", precision: 3) == "1.23E+06")
        #expect(n("0.0001").text("g", precision: -1) == "0.0001")
        #expect(n("0.00001").text("g", precision: -1) == "1e-05")
        #expect(n("5").text("g", precision: 0) == "5")
        #expect(Number.infinity.text("f", precision: 2) == "+Inf")
        #expect(Number.negativeInfinity.text("e", precision: -1) == "-Inf")
        #expect(n("5").text("x", precision: -1) == "%x")
    }

    // MARK: The small-integer fast path

    /// Small whole literals take the fast path and still give exact sums, products and text.
    @Test func smallIntegerArithmetic() throws {
        var total = Number.zero
        var text = ""
        for index in 0..<2_000 {
            let literal = try #require(Number(parsing: String(8000 + index % 100)))
            total = (total + literal) ?? Number.zero
            total = (total * Number.one) ?? Number.zero
            text = literal.description
        }
        #expect(total == Number(2_000 * 8000 + 20 * (99 * 100 / 2)))
        #expect(text == "8099")
    }
}
