import BigInt
import Testing

@testable import TerraceCore

// Expected results are Terraform 1.11's (`terraform console`, `jsonencode(...)` and `type(...)`).

private func call(_ name: String, _ arguments: TypedValue...) throws -> TypedValue {
    try BuiltinCall.call(name, arguments)
}

private func s(_ text: String) -> TypedValue { .string(text) }
private func n(_ literal: String) -> TypedValue { .number(Number(parsing: literal)!) }
private func tuple(_ items: TypedValue...) -> TypedValue { .tuple(items) }
private func strings(_ texts: String...) -> [TypedValue] { texts.map(TypedValue.string) }
private func toset(_ value: TypedValue) throws -> TypedValue { try call("toset", value) }
private let null = TypedValue.nullValue

private func failure(_ message: String, argument: Int? = nil) -> FunctionError {
    FunctionError(argument: argument, message)
}

@Suite struct SetFunctionTests {
    @Test func setunion() throws {
        #expect(try call("setunion", tuple(s("b"), s("a")), tuple(s("c"))) == .set(strings("a", "b", "c"), .string))
        #expect(try call("setunion", tuple(n("1")), tuple(s("a"))) == .set(strings("1", "a"), .string))
        #expect(try call("setunion", tuple(), tuple()) == .set([], .dynamic))
        #expect(try call("setunion", tuple(), tuple(n("1"))) == .set([n("1")], .number))
        #expect(throws: failure("given sets must all have compatible element types")) {
            try call("setunion", tuple(s("a")), tuple(tuple(n("1"))))
        }
    }

    @Test func setintersectionAndSetsubtract() throws {
        #expect(
            try call("setintersection", tuple(s("a"), s("b")), tuple(s("b"), s("c"))) == .set(strings("b"), .string))
        #expect(try call("setintersection", tuple(n("1"), n("2")), tuple(s("2"))) == .set(strings("2"), .string))
        #expect(try call("setintersection", tuple(n("1")), tuple()) == .set([], .number))
        #expect(
            try call("setsubtract", tuple(s("a"), s("b"), s("c")), tuple(s("b"))) == .set(strings("a", "c"), .string))
        #expect(try call("setsubtract", tuple(), tuple()) == .set([], .dynamic))
        #expect(try call("setsubtract", tuple(s("a")), .unknown(.set(.string))) == .unknown(.set(.string)))
    }

    @Test func setproduct() throws {
        #expect(
            try call("setproduct", tuple(s("a"), s("b")), tuple(n("1"), n("2")))
                == .list(
                    [tuple(s("a"), n("1")), tuple(s("a"), n("2")), tuple(s("b"), n("1")), tuple(s("b"), n("2"))],
                    .tuple([.string, .number])))
        #expect(
            try call("setproduct", toset(tuple(s("a"), s("b"))), tuple(n("1")))
                == .set([tuple(s("a"), n("1")), tuple(s("b"), n("1"))], .tuple([.string, .number])))
        #expect(try call("setproduct", tuple(), tuple(n("1"))) == .list([], .tuple([.dynamic, .number])))
        #expect(try call("setproduct", toset(tuple()), tuple(n("1"))) == .set([], .tuple([.dynamic, .number])))
        #expect(
            try call("setproduct", tuple(s("a"), n("1")), tuple(.true))
                == .list([tuple(s("a"), .true), tuple(s("1"), .true)], .tuple([.string, .bool])))
        #expect(throws: failure("at least two arguments are required")) { try call("setproduct", tuple(s("a"))) }
        #expect(throws: failure("a set or a list is required", argument: 0)) {
            try call("setproduct", s("a"), tuple(n("1")))
        }
        #expect(throws: failure("all elements must be of the same type", argument: 0)) {
            try call("setproduct", tuple(n("1"), tuple(n("1"))), tuple(n("1")))
        }
    }
}

@Suite struct ConversionFunctionTests {
    @Test func tobool() throws {
        #expect(try call("tobool", s("true")) == .true)
        #expect(try call("tobool", null) == .null(.bool))
        #expect(
            throws: failure(
                "cannot convert \"yes\" to bool; only the strings \"true\" or \"false\" are allowed", argument: 0)
        ) { try call("tobool", s("yes")) }
        #expect(throws: failure("cannot convert number to bool", argument: 0)) { try call("tobool", n("1")) }
    }

    @Test func tolistTomapToset() throws {
        #expect(try call("tolist", tuple(s("a"), n("1"))) == .list(strings("a", "1"), .string))
        #expect(try call("tolist", toset(tuple(s("b"), s("a")))) == .list(strings("a", "b"), .string))
        #expect(try call("tolist", tuple()) == .list([], .dynamic))
        #expect(throws: failure("cannot convert tuple to list of any single type", argument: 0)) {
            try call("tolist", tuple(n("1"), tuple(n("1"))))
        }
        #expect(throws: failure("cannot convert string to list of any single type", argument: 0)) {
            try call("tolist", s("a"))
        }
        #expect(try call("tomap", .object(["a": n("1"), "b": s("x")])) == .map(["a": s("1"), "b": s("x")], .string))
        #expect(throws: failure("cannot convert object to map of any single type", argument: 0)) {
            try call("tomap", .object(["a": tuple(n("1")), "b": s("x")]))
        }
        #expect(try call("toset", tuple(s("b"), s("a"), s("b"))) == .set(strings("a", "b"), .string))
        #expect(try call("toset", tuple(n("1"), s("1"))) == .set(strings("1"), .string))
    }

    @Test func tonumberAndTostring() throws {
        #expect(try call("tonumber", s("1e3")) == n("1000"))
        #expect(try call("tonumber", null) == .null(.number))
        #expect(
            throws: failure(
                "cannot convert \"0x10\" to number; given string must be a decimal representation of a number",
                argument: 0)
        ) { try call("tonumber", s("0x10")) }
        #expect(throws: failure("cannot convert bool to number", argument: 0)) { try call("tonumber", .true) }
        #expect(try call("tostring", n("1.5")) == s("1.5"))
        #expect(try call("tostring", .true) == s("true"))
        #expect(try call("tostring", null) == .null(.string))
        #expect(throws: failure("cannot convert tuple to string", argument: 0)) { try call("tostring", tuple(n("1"))) }
        #expect(try call("tostring", .unknown(.number)) == .unknown(.string))
    }
}

@Suite struct NumberFunctionTests {
    private func text(_ value: TypedValue) -> String? {
        if case .number(let number) = value { return number.description }
        return nil
    }

    @Test func absCeilFloor() throws {
        #expect(try call("abs", n("-3.5")) == n("3.5"))
        #expect(try text(call("abs", n("0"))) == "0")
        #expect(try text(call("abs", .number(-Number.zero))) == "0")
        #expect(try call("ceil", n("1.2")) == n("2"))
        #expect(try call("ceil", n("-1.5")) == n("-1"))
        #expect(try text(call("ceil", n("-0.5"))) == "0")
        #expect(try call("floor", n("-1.2")) == n("-2"))
        #expect(try call("floor", n("1.9999")) == n("1"))
        #expect(try call("floor", .number(.infinity)) == .number(.infinity))
    }

    @Test func logAndPow() throws {
        #expect(try call("log", n("8"), n("2")) == n("3"))
        #expect(try call("log", n("100"), n("10")) == n("2"))
        #expect(try text(call("log", n("2"), n("10"))) == "0.30102999566398114")
        #expect(try text(call("log", n("10"), n("0"))) == "-0")
        #expect(throws: failure("panic in function implementation: Float.SetFloat64(NaN)")) {
            try call("log", n("1"), n("1"))
        }
        let largest = BigInt(Double.greatestFiniteMagnitude).description
        #expect(throws: failure("value must be between -\(largest).000000 and \(largest).000000 inclusive")) {
            try call("log", n("1e400"), n("10"))
        }
        #expect(largest.hasPrefix("1797693134862315708145274237317043567980705675258449965989174768031572607800285"))
        #expect(try call("pow", n("3"), n("2")) == n("9"))
        #expect(try call("pow", n("2"), n("-1")) == n("0.5"))
        #expect(try call("pow", n("0"), n("0")) == n("1"))
        #expect(try text(call("pow", n("2"), n("0.5"))) == "1.4142135623730951")
        #expect(try text(call("pow", n("1.1"), n("10"))) == "2.593742460100002")
        #expect(try call("pow", n("10"), n("15")) == n("1000000000000000"))
        #expect(try call("pow", n("-2"), n("3")) == n("-8"))
        #expect(try call("pow", n("10"), n("400")) == .number(.infinity))
        // Go's math.Pow, Log and (amd64) Exp are not correctly rounded; Terraform's last digits are theirs.
        #expect(try text(call("pow", n("6.02"), n("23.5"))) == "2091787409088496000")
        #expect(try text(call("pow", n("8"), n("0.3333333333333333"))) == "1.9999999999999998")
        #expect(try text(call("pow", n("0.01"), n("4.6"))) == "0.0000000006309573444801945")
        #expect(try text(call("pow", n("3"), n("0.75"))) == "2.2795070569547775")
        #expect(try text(call("pow", n("9"), n("1.5"))) == "27.000000000000004")
        #expect(try text(call("pow", n("0.5"), n("100.5"))) == "0.0000000000000000000000000000005578088954947358")
        #expect(try text(call("pow", n("2.5"), n("3.7"))) == "29.67413253642086")
        #expect(try text(call("log", n("3"), n("7"))) == "0.5645750340535796")
        #expect(try text(call("log", n("123456"), n("3"))) == "10.671317094476")
        #expect(try text(call("log", n("1000"), n("10"))) == "2.9999999999999996")
        #expect(try text(call("log", n("1e-300"), n("10"))) == "-299.99999999999994")
        #expect(throws: failure("panic in function implementation: Float.SetFloat64(NaN)")) {
            try call("pow", n("-8"), n("0.5"))
        }
    }

    @Test func maxAndMin() throws {
        #expect(try call("max", n("1"), n("2.5"), n("-3")) == n("2.5"))
        #expect(try call("min", n("1"), n("2.5"), n("-3")) == n("-3"))
        #expect(try call("min", n("1e1000"), n("2")) == n("2"))
        #expect(try call("max", n("-1e1000")) == n("-1e1000"))
        #expect(throws: failure("must pass at least one number")) { try call("max") }
        #expect(throws: failure("must pass at least one number")) { try call("min") }
    }

    @Test func parseint() throws {
        #expect(try call("parseint", s("ff"), n("16")) == n("255"))
        #expect(try call("parseint", s("-101"), n("2")) == n("-5"))
        #expect(try call("parseint", s("zZ"), n("62")) == n("2231"))
        #expect(try call("parseint", s("Zz"), n("36")) == n("1295"))
        #expect(try call("parseint", s("+7"), n("10")) == n("7"))
        #expect(
            try call("parseint", s("123456789012345678901234567890"), n("10")) == n("123456789012345678901234567890"))
        #expect(throws: failure("base must be a whole number between 2 and 62 inclusive", argument: 1)) {
            try call("parseint", s("12"), n("1"))
        }
        #expect(throws: failure("cannot parse \"12x\" as a base 10 integer", argument: 0)) {
            try call("parseint", s("12x"), n("10"))
        }
        #expect(throws: failure("cannot parse \"\" as a base 10 integer", argument: 0)) {
            try call("parseint", s(""), n("10"))
        }
        #expect(throws: failure("cannot parse \"1_000\" as a base 10 integer", argument: 0)) {
            try call("parseint", s("1_000"), n("10"))
        }
        #expect(throws: failure("first argument must be a string, not number", argument: 0)) {
            try call("parseint", n("12"), n("10"))
        }
        #expect(
            throws: failure(
                "value must be a whole number, between -9223372036854775808 and 9223372036854775807", argument: 1)
        ) { try call("parseint", s("12"), n("2.5")) }
    }

    @Test func signum() throws {
        #expect(try call("signum", n("-5")) == n("-1"))
        #expect(try call("signum", n("0")) == n("0"))
        #expect(try call("signum", n("3")) == n("1"))
        #expect(
            throws: failure("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        ) { try call("signum", n("1e19")) }
        #expect(
            throws: failure("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        ) { try call("signum", n("0.5")) }
    }
}
