import Testing

@testable import TerraceCore

// Expected values are `terraform console`'s answers (Terraform 1.11: cty's format state machine, Go 1.23's fmt).

@Suite struct FormatFunctionTests {
    private let third = TypedValue.number((Number(1) / Number(3))!)

    private func format(_ format: String, _ arguments: TypedValue...) throws(FunctionError) -> TypedValue {
        try callTextFunction("format", [textValue(format)] + arguments)
    }

    @Test func integerVerbs() throws {
        #expect(try format("%-08.2f|", numberValue("1.5")) == textValue("00001.50|"))
        #expect(try format("%0-8.2f|", numberValue("1.5")) == textValue("00001.50|"))
        #expect(try format("%-08d|", numberValue("15")) == textValue("15      |"))
        #expect(try format("%08d|", numberValue("-15")) == textValue("-0000015|"))
        #expect(
            try format("%+d % d %+ d", numberValue("5"), numberValue("5"), numberValue("5")) == textValue("+5  5 +5"))
        #expect(
            try format(
                "%#x %#X %#o %#b %x", numberValue("255"), numberValue("255"), numberValue("8"), numberValue("5"),
                numberValue("-255"))
                == textValue("0xff 0XFF 010 0b101 -ff"))
        #expect(
            try format(
                "%.5d|%8.3d|%08.3d|%.0d|", numberValue("42"), numberValue("7"), numberValue("7"), numberValue("0"))
                == textValue("00042|     007|     007||"))
        #expect(try format("%d", textValue("12")) == textValue("12"))
        #expect(try format("%x", numberValue("1e30")) == textValue("c9f2c9cd04674edea40000000"))
        #expect(
            try format("%d", numberValue("123456789012345678901234567890"))
                == textValue("123456789012345678901234567890"))
        #expect(try format("%-05d|%-05x|", numberValue("1"), numberValue("1")) == textValue("1    |1    |"))
    }

    @Test func floatVerbs() throws {
        #expect(
            try format(
                "%e %E %f %g %G", numberValue("123456.789"), numberValue("0.000012"), third, numberValue("1e-5"),
                numberValue("1e21"))
                == textValue("1.234568e+05 1.200000E-05 0.333333 1e-05 1E+21"))
        #expect(
            try format("%.3e %.0f %.10g %.2g", numberValue("123456.789"), numberValue("2.5"), third, numberValue("123"))
                == textValue("1.235e+05 2 0.3333333333 1.2e+02"))
        #expect(
            try format("%f", numberValue("1e100")) == textValue("1" + String(repeating: "0", count: 100) + ".000000"))
        #expect(try format("%08.3e", numberValue("-1.5")) == textValue("-1.500e+00"))
        #expect(try format("%+.1f % .1f", numberValue("1"), numberValue("1")) == textValue("+1.0  1.0"))
        #expect(try format("%#.0f %#g", numberValue("1"), numberValue("1")) == textValue("1 1"))
        #expect(try format("%g", numberValue("100000")) == textValue("100000"))
        #expect(try format("%g", numberValue("1e20")) == textValue("1e+20"))
        #expect(try format("%f", numberValue("0.1")) == textValue("0.100000"))
        let infinity = TypedValue.number(.infinity)
        #expect(
            try format(
                "%f|%5.1f|%e|%+g|% g|%05f", infinity, infinity, .number(.negativeInfinity), infinity, infinity, infinity
            )
                == textValue("+Inf| +Inf|-Inf|+Inf| Inf| +Inf"))
    }

    @Test func valueAndStringVerbs() throws {
        #expect(try format("%#v", textValue("hi")) == textValue("\"hi\""))
        #expect(try format("%v|%v|%v", textValue("hi"), numberValue("1e21"), .true) == textValue("hi|1e+21|true"))
        #expect(
            try format("%v", .tuple([numberValue("1"), textValue("a"), .nullValue])) == textValue("[1,\"a\",null]"))
        #expect(
            try format("%v", .object(["b": numberValue("1"), "a": textValue("x")]))
                == textValue("{\"a\":\"x\",\"b\":1}"))
        #expect(
            try format("%10v|%-10v|%010v", textValue("hi"), numberValue("1.5"), textValue("x"))
                == textValue("        hi|1.5       |000000000x"))
        #expect(try format("%v", numberValue("0.1")) == textValue("0.1"))
        #expect(try format("%v", .number(.infinity)) == textValue("+Inf"))
        #expect(try format("%#v", numberValue("1.5")) == textValue("1.5"))
        #expect(try format("%#v", .true) == textValue("true"))
        #expect(try format("%v", .null(.string)) == textValue("null"))
        #expect(try format("%v|", .null(.list(.string))) == textValue("null|"))
        #expect(try format("%v", .list([], .string)) == textValue("[]"))
        #expect(try format("%v", .set([textValue("a"), textValue("b")], .string)) == textValue("[\"a\",\"b\"]"))
        #expect(try format("%t", textValue("true")) == textValue("true"))
        #expect(try format("%5t|", .true) == textValue("true|"))
        #expect(try format("%s", numberValue("1.5")) == textValue("1.5"))
        #expect(try format("%s", .true) == textValue("true"))
        #expect(try format("%s", .number(.infinity)) == textValue("+Inf"))
        #expect(
            try format("%.3s|%5.2s|%-5s|%05s", textValue("héllo"), textValue("abc"), textValue("ab"), textValue("ab"))
                == textValue("hél|   ab|ab   |000ab"))
        #expect(try format("%-05s|%-05v|", textValue("a"), numberValue("1")) == textValue("a0000|10000|"))
        #expect(try format("%q", textValue("a\"b\n<&>")) == textValue("\"a\\\"b\\n\\u003c\\u0026\\u003e\""))
        #expect(try format("%.0s", textValue("abc")) == textValue("abc"))
        #expect(try format("%5s|", textValue("e\u{301}")) == textValue("    e\u{301}|"))
    }

    @Test func argumentsAndPercent() throws {
        #expect(try format("%[2]d %[1]d", numberValue("1"), numberValue("2")) == textValue("2 1"))
        #expect(try format("%[3]d", numberValue("1"), numberValue("2"), numberValue("3")) == textValue("3"))
        #expect(try format("%[2]d", numberValue("1"), numberValue("2")) == textValue("2"))
        #expect(try format("%%") == textValue("%"))
        #expect(try format("") == textValue(""))
        #expect(try format("%s", .unknown(.string)) == .unknown(.string))
    }

    @Test func callErrors() {
        let cases: [(String, [TypedValue], String)] = [
            ("abc%", [], "invalid format string starting at offset 4"),
            ("%5", [], "invalid format string starting at offset 2"),
            ("%y", [numberValue("1")], "unsupported format verb 'y' in \"%y\" at offset 0"),
            (
                "%[2]d %d %[1]d", [numberValue("1"), numberValue("2")],
                "not enough arguments for \"%d\" at 6: need index 3 but have 2 total"
            ),
            ("%é", [numberValue("1")], "unrecognized format character 'é' at offset 1"),
            ("%*d", [numberValue("1")], "unrecognized format character '*' at offset 1"),
            ("%d", [numberValue("1.5")], "unsupported value for \"%d\" at 0: an integer is required"),
            ("%d", [textValue("abc")], "unsupported value for \"%d\" at 0: a number is required"),
            ("%d", [.true], "unsupported value for \"%d\" at 0: number required"),
            ("%d", [.tuple([numberValue("1")])], "unsupported value for \"%d\" at 0: number required"),
            ("%d", [.number(.infinity)], "unsupported value for \"%d\" at 0: an integer is required"),
            ("%d", [.null(.number)], "unsupported value for \"%d\" at 0: null value cannot be formatted"),
            ("%s", [.null(.string)], "unsupported value for \"%s\" at 0: null value cannot be formatted"),
            ("%t", [numberValue("1")], "unsupported value for \"%t\" at 0: bool required"),
            ("%s", [.tuple([numberValue("1")])], "unsupported value for \"%s\" at 0: string required"),
            ("%s", [.list([textValue("a")], .string)], "unsupported value for \"%s\" at 0: string required"),
            (
                "%v", [.tuple([.number(.infinity)])],
                "unsupported value for \"%v\" at 0: cannot serialize infinity as JSON"
            ),
            ("%d %d", [numberValue("1")], "not enough arguments for \"%d\" at 3: need index 2 but have 1 total"),
            ("%[0]d", [numberValue("1")], "unrecognized format character '0' at offset 2"),
            ("%[1", [numberValue("1")], "invalid format string starting at offset 3"),
            ("%[1x", [numberValue("1")], "unrecognized format character 'x' at offset 3"),
            ("%.", [numberValue("1")], "invalid format string starting at offset 2"),
            ("%5.", [numberValue("1")], "invalid format string starting at offset 3"),
            ("%Y", [numberValue("1")], "unsupported format verb 'Y' in \"%Y\" at offset 0"),
            ("100%", [], "invalid format string starting at offset 4"),
            ("%c", [numberValue("65")], "unsupported format verb 'c' in \"%c\" at offset 0"),
        ]
        for (text, arguments, message) in cases {
            #expect(textFailure("format", [textValue(text)] + arguments) == FunctionError(message), "\(text)")
        }
    }

    @Test func tooManyArguments() {
        #expect(
            textFailure("format", [textValue("abc"), numberValue("1")])
                == FunctionError(
                    argument: 1, "invalid value for \"args\" parameter: too many arguments; no verbs in format string"))
        #expect(
            textFailure("format", [textValue("%%d %%"), numberValue("1")])
                == FunctionError(
                    argument: 1, "invalid value for \"args\" parameter: too many arguments; no verbs in format string"))
        #expect(
            textFailure("format", [textValue("%d"), numberValue("1"), numberValue("2")])
                == FunctionError(
                    argument: 2,
                    "invalid value for \"args\" parameter: too many arguments; only 1 used by format string"))
    }

    @Test func formatList() throws {
        #expect(
            try callTextFunction("formatlist", [textValue("%s-%s"), stringList(["a", "b"]), textValue("x")])
                == stringList(["a-x", "b-x"]))
        #expect(try callTextFunction("formatlist", [textValue("%s"), .tuple([])]) == stringList([]))
        #expect(try callTextFunction("formatlist", [textValue("x")]) == stringList(["x"]))
        #expect(
            try callTextFunction(
                "formatlist",
                [textValue("%s %s"), .set([textValue("a"), textValue("b")], .string), stringList(["1", "2"])])
                == stringList(["a 1", "b 2"]))
        #expect(
            try callTextFunction(
                "formatlist", [textValue("%v"), .tuple([.tuple([numberValue("1")]), .tuple([numberValue("2")])])])
                == stringList(["[1]", "[2]"]))
        #expect(
            try callTextFunction("formatlist", [textValue("%v"), .tuple([.nullValue, numberValue("1")])])
                == stringList(["null", "1"]))
        #expect(try callTextFunction("formatlist", [textValue("%v"), .null(.list(.string))]) == stringList(["null"]))
        #expect(
            try callTextFunction("formatlist", [textValue("%s"), .unknown(.list(.string))]) == .unknown(.list(.string)))
        #expect(
            try callTextFunction("formatlist", [textValue("%s"), .tuple([textValue("a"), .unknown(.string)])])
                == .list([textValue("a"), .unknown(.string)], .string))
        #expect(
            textFailure("formatlist", [textValue("%s-%s"), stringList(["a", "b"]), stringList(["c"])])
                == FunctionError(
                    argument: 2,
                    "invalid value for \"args\" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2"
                ))
        #expect(
            textFailure("formatlist", [textValue("%s")])
                == FunctionError("not enough arguments for \"%s\" at 0: need index 1 but have 0 total"))
        #expect(
            textFailure("formatlist", [textValue("%d"), .tuple([textValue("a")])])
                == FunctionError("error on format iteration 0: unsupported value for \"%d\" at 0: a number is required")
        )
        #expect(
            textFailure("formatlist", [textValue("%s"), .tuple([textValue("a")]), textValue("b")])
                == FunctionError("error on format iteration 0: too many arguments; only 1 used by format string"))
    }
}
