import Testing

@testable import TerraceCore

// Expected values are `terraform console`'s answers (Terraform 1.11).

@Suite struct EncodingFunctionTests {
    @Test func base64() throws {
        #expect(try callTextFunction("base64encode", [textValue("héllo")]) == textValue("aMOpbGxv"))
        #expect(try callTextFunction("base64encode", [textValue("")]) == textValue(""))
        #expect(try callTextFunction("base64decode", [textValue("aGk=")]) == textValue("hi"))
        #expect(try callTextFunction("base64decode", [textValue("aG\nk=")]) == textValue("hi"))
        #expect(try callTextFunction("base64decode", [textValue("YR==")]) == textValue("a"))
        #expect(
            textFailure("base64decode", [textValue("aGk")]) == FunctionError("failed to decode base64 data \"aGk\""))
        #expect(
            textFailure("base64decode", [textValue("a===")]) == FunctionError("failed to decode base64 data \"a===\""))
        #expect(
            textFailure("base64decode", [textValue("/w==")])
                == FunctionError("the result of decoding the provided string is not valid UTF-8"))
    }

    @Test func textEncodings() throws {
        let encoded: [(String, String, String)] = [
            ("Hé€", "UTF-16LE", "SADpAKwg"), ("Hé€", "UTF-16BE", "AEgA6SCs"), ("Hé€", "UTF-16", "/v8ASADpIKw="),
            ("Hé€", "UTF-8", "SMOp4oKs"), ("Hé€", "windows-1252", "SOmA"), ("Hé€", "utf-16le", "SADpAKwg"),
            ("Hé€", "ISO-8859-15", "SOmk"), ("Hello", "UTF-16LE", "SABlAGwAbABvAA=="),
            ("Hello", "UTF-16", "/v8ASABlAGwAbABv"), ("Hello", "ISO-8859-1", "SGVsbG8="),
            ("Hello", "US-ASCII", "SGVsbG8="),
            ("é", "csUTF16LE", "6QA="), ("é", "UTF-8", "w6k="), ("", "UTF-16", "/v8="),
        ]
        for (text, encoding, expected) in encoded {
            #expect(
                try callTextFunction("textencodebase64", [textValue(text), textValue(encoding)]) == textValue(expected),
                "\(encoding)")
        }
        let decoded: [(String, String, String)] = [
            ("//5IAA==", "UTF-16LE", "\u{feff}H"), ("//5IAA==", "UTF-16", "H"), ("//5IAA==", "ISO-8859-1", "ÿþH\u{0}"),
            ("gA==", "windows-1252", "€"), ("", "UTF-16", ""),
        ]
        for (source, encoding, expected) in decoded {
            #expect(
                try callTextFunction("textdecodebase64", [textValue(source), textValue(encoding)])
                    == textValue(expected), "\(encoding)")
        }
        let unrepresentable: [(String, String, String)] = [
            ("€", "latin1", "ISO_8859-1:1987"), ("€", "l1", "ISO_8859-1:1987"), ("é", "us", "US-ASCII"),
            ("é", "ANSI_X3.4-1968", "US-ASCII"), ("\u{81}", "windows-1252", "windows-1252"),
        ]
        for (text, encoding, name) in unrepresentable {
            #expect(
                textFailure("textencodebase64", [textValue(text), textValue(encoding)])
                    == FunctionError(
                        argument: 0,
                        "invalid value for \"string\" parameter: the given string contains characters that cannot be represented in \(name)"
                    ))
        }
        #expect(
            textFailure("textencodebase64", [textValue("x"), textValue("CP1252")])
                == FunctionError(
                    argument: 1,
                    "invalid value for \"encoding\" parameter: \"CP1252\" is not a supported IANA encoding name or alias in this Terraform version"
                ))
        let undecodable: [(String, String, String)] = [
            ("/w==", "UTF-8", "the given string contains symbols that are not defined for UTF-8"),
            ("SA=", "UTF-8", "the given value is has an invalid base64 symbol at offset 3"),
            ("S!==", "UTF-8", "the given value is has an invalid base64 symbol at offset 1"),
            ("aGk=x", "UTF-8", "the given value is has an invalid base64 symbol at offset 4"),
            ("aGk", "UTF-8", "the given value is has an invalid base64 symbol at offset 0"),
            ("AEg", "UTF-16BE", "the given value is has an invalid base64 symbol at offset 0"),
            ("2AA=", "UTF-16BE", "the given string contains symbols that are not defined for UTF-16BE"),
            ("AA==", "UTF-16BE", "the given string contains symbols that are not defined for UTF-16BE"),
            ("77+9", "UTF-8", "the given string contains symbols that are not defined for UTF-8"),
            ("gA==", "US-ASCII", "the given string contains symbols that are not defined for US-ASCII"),
            ("gQ==", "windows-1252", "the given string contains symbols that are not defined for windows-1252"),
        ]
        for (source, encoding, message) in undecodable {
            #expect(
                textFailure("textdecodebase64", [textValue(source), textValue(encoding)])
                    == FunctionError(argument: 0, "invalid value for \"source\" parameter: \(message)"), "\(source)")
        }
    }

    @Test func urlencode() throws {
        #expect(
            try callTextFunction("urlencode", [textValue("a b/c?d=é&~_.-*")])
                == textValue("a+b%2Fc%3Fd%3D%C3%A9%26~_.-%2A"))
    }

    @Test func csvdecode() throws {
        let ab = ValueType.object(["a": .string, "b": .string])
        #expect(
            try callTextFunction("csvdecode", [textValue("a,b\n1,2\n3,4\n")])
                == .list(
                    [
                        .object(["a": textValue("1"), "b": textValue("2")]),
                        .object(["a": textValue("3"), "b": textValue("4")]),
                    ], ab))
        #expect(try callTextFunction("csvdecode", [textValue("a,b\n")]) == .list([], ab))
        #expect(
            try callTextFunction("csvdecode", [textValue("a,b\r\n\"x\"\"y\",\"multi\nline\"\r\n\n3,4")])
                == .list(
                    [
                        .object(["a": textValue("x\"y"), "b": textValue("multi\nline")]),
                        .object(["a": textValue("3"), "b": textValue("4")]),
                    ],
                    ab))
        #expect(
            try callTextFunction("csvdecode", [textValue("a\n\"\"\n")])
                == .list([.object(["a": textValue("")])], .object(["a": .string])))
        let errors: [(String, String)] = [
            ("", "missing header line"),
            ("a,a\n1,2\n", "duplicate column name \"a\""),
            ("a,b\n1\n", "CSV parse error on line 2: wrong number of fields"),
            ("a,b\n1,x\"y\n", "CSV parse error on line 2: bare \" in non-quoted-field"),
            ("a,b\n1,\"x\"y\n", "CSV parse error on line 2: extraneous or missing \" in quoted-field"),
            ("a,b\n1,\"xy\n", "CSV parse error on line 2: extraneous or missing \" in quoted-field"),
            ("a,b\n1,\"xy\n\nz\n", "CSV parse error on line 4: extraneous or missing \" in quoted-field"),
        ]
        for (text, message) in errors {
            #expect(textFailure("csvdecode", [textValue(text)]) == FunctionError(message), "\(text)")
        }
    }

    @Test func json() throws {
        #expect(
            try callTextFunction(
                "jsonencode", [.object(["a": numberValue("1"), "b": .tuple([.true, .nullValue, textValue("x<")])])])
                == textValue("{\"a\":1,\"b\":[true,null,\"x\\u003c\"]}"))
        #expect(
            try callTextFunction("jsondecode", [textValue("{\"a\":[1,\"x\"]}")])
                == .object(["a": .tuple([numberValue("1"), textValue("x")])]))
        #expect(textFailure("jsondecode", [textValue("{")]) == FunctionError("EOF"))
        #expect(
            textFailure("jsonencode", [.number(.infinity)]) == FunctionError("cannot serialize infinity as JSON"))
    }

    @Test func yamlencode() throws {
        let cases: [(TypedValue, String)] = [
            (
                .object(["a": .tuple([numberValue("1"), textValue("x")]), "b": .nullValue]),
                "\"a\":\n- 1\n- \"x\"\n\"b\": null\n"
            ),
            (textValue("hello"), "\"hello\"\n"),
            (textValue(""), "\"\"\n"),
            (textValue("true"), "\"true\"\n"),
            (textValue("multi\nline\n"), "|\n  multi\n  line\n"),
            (textValue("multi\nline"), "|-\n  multi\n  line\n"),
            (textValue("a\n b"), "|-\n  a\n   b\n"),
            (textValue("\n"), "|2+\n\n"),
            (textValue("tab\there"), "\"tab\\there\"\n"),
            (textValue("a\u{2028}b"), "\"a\\Lb\"\n"),
            (textValue("x\r\ny"), "\"x\\r\\ny\"\n"),
            (textValue("bell\u{7}"), "\"bell\\a\"\n"),
            (textValue("é"), "\"é\"\n"),
            (textValue("a\tb\n"), "\"a\\tb\\n\"\n"),
            (textValue("x\n "), "\"x\\n \"\n"),
            (textValue("trailing space \nx"), "\"trailing space \\nx\"\n"),
            (textValue("\u{85}"), "\"\\N\"\n"),
            (
                textValue(String(repeating: "long ", count: 21) + "long"),
                "\"" + String(repeating: "long ", count: 16) + "long\n  " + String(repeating: "long ", count: 4)
                    + "long\"\n"
            ),
            (numberValue("1.5"), "1.5\n...\n"),
            (numberValue("1e30"), "1000000000000000000000000000000\n...\n"),
            (.number(.infinity), "+Inf\n...\n"),
            (.true, "true\n...\n"),
            (.nullValue, "null\n...\n"),
            (.tuple([]), "[]\n"),
            (.object([:]), "{}\n"),
            (
                .tuple([.tuple([numberValue("1"), numberValue("2")]), .tuple([numberValue("3")])]),
                "- - 1\n  - 2\n- - 3\n"
            ),
            (
                .tuple([.object(["a": numberValue("1"), "b": .tuple([])]), .object([:])]),
                "- \"a\": 1\n  \"b\": []\n- {}\n"
            ),
            (
                .object([
                    "x y": numberValue("1"), "1": numberValue("2"), "true": numberValue("3"), "-a": numberValue("4"),
                ]),
                "\"-a\": 4\n\"1\": 2\n\"true\": 3\n\"x y\": 1\n"
            ),
            (.object(["a": .object(["b": .object(["c": numberValue("1")])])]), "\"a\":\n  \"b\":\n    \"c\": 1\n"),
            (.list([textValue("a")], .string), "- \"a\"\n"),
            (
                .tuple([textValue("a\nb"), .object(["k\nk": textValue("v")])]),
                "- |-\n  a\n  b\n- ? |-\n    k\n    k\n  : \"v\"\n"
            ),
            (.tuple([textValue("\n")]), "- |2+\n\n"),
            (.object(["a": textValue("x\n\n")]), "\"a\": |+\n  x\n\n"),
        ]
        for (value, expected) in cases {
            #expect(try callTextFunction("yamlencode", [value]) == textValue(expected), "\(value)")
        }
    }

    @Test func yamldecode() throws {
        let document = """
            a: 1
            b: [x, 'y', "z"]
            c: ~
            d: yes
            e: 0x1F
            f: 1_000
            g: .5
            h: 2001-12-14t21:59:43.10-05:00
            i: 2002-12-14
            j: 1e3
            k: +12
            l: 0o17
            m: 017
            n: .inf
            o: -.Inf
            p: !!str 12
            q: ''
            r: |
              true

            """
        #expect(
            try callTextFunction("yamldecode", [textValue(document)])
                == .object([
                    "a": numberValue("1"), "b": .tuple([textValue("x"), textValue("y"), textValue("z")]),
                    "c": .nullValue, "d": .true,
                    "e": numberValue("31"), "f": textValue("1_000"), "false": .number(.infinity),
                    "g": numberValue("0.5"),
                    "h": textValue("2001-12-14T21:59:43-05:00"), "i": textValue("2002-12-14T00:00:00Z"),
                    "j": numberValue("1000"),
                    "k": numberValue("12"), "l": numberValue("15"), "m": numberValue("17"),
                    "o": .number(.negativeInfinity), "p": textValue("12"),
                    "q": textValue(""), "r": textValue("true\n"),
                ]))
        #expect(
            try callTextFunction("yamldecode", [textValue("a: &x {b: 1}\nc: *x\n")])
                == .object(["a": .object(["b": numberValue("1")]), "c": .object(["b": numberValue("1")])]))
        #expect(
            try callTextFunction("yamldecode", [textValue("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n")])
                == .object([
                    "base": .object(["true": numberValue("2"), "x": numberValue("1")]),
                    "d": .object(["true": numberValue("3"), "x": numberValue("1")]),
                ]))
        #expect(try callTextFunction("yamldecode", [textValue("!!bool yes")]) == .true)
        #expect(
            try callTextFunction("yamldecode", [textValue("2001-12-14 21:59:43.10")])
                == textValue("2001-12-14T21:59:43Z"))
        #expect(
            try callTextFunction("yamldecode", [textValue("1: x\ntrue: y\n")])
                == .object(["1": textValue("x"), "true": .true]))
        #expect(
            try callTextFunction("yamldecode", [textValue("- 1\n- two\n")])
                == .tuple([numberValue("1"), textValue("two")]))
        #expect(
            try callTextFunction("yamldecode", [textValue("123456789012345678901234567890")])
                == numberValue("123456789012345678901234567890"))
        #expect(try callTextFunction("yamldecode", [textValue("0x")]) == textValue("0x"))
        #expect(
            try callTextFunction("yamldecode", [textValue("- 0b101\n- 1:20\n- 1.5e\n")])
                == .tuple([textValue("0b101"), textValue("1:20"), textValue("1.5e")]))
        #expect(
            textFailure("yamldecode", [textValue("a: .nan")]) == FunctionError("floating point NaN is not supported"))
        #expect(
            textFailure("yamldecode", [textValue("!!int abc")])
                == FunctionError("cannot parse \"abc\" as tag:yaml.org,2002:int"))
        #expect(textFailure("yamldecode", [textValue("!foo x")]) == FunctionError("unsupported tag \"!foo\""))
        #expect(
            textFailure("yamldecode", [textValue("? [1]\n: x\n")])
                == FunctionError("only strings are allowed as mapping keys"))
        let errors: [(String, String)] = [
            ("", "on line 1, column 1: missing start of document"),
            (
                "- !!binary aGk=\n- !!binary a\n",
                "on line 1, column 3: cannot parse \"a\" as tag:yaml.org,2002:binary: not valid base64"
            ),
            ("- ! x\n", "unsupported tag \"!\""),
            ("a: 1\n~: 2\n", "on line 1, column 1: mapping key cannot be null"),
            ("a:\n  b: [\n", "on line 2, column 1: did not find expected node content"),
            ("a: 1\n b: 2\n", "on line 2, column 1: mapping values are not allowed in this context"),
            ("x: 1\n? [1]\n: 2\n", "on line 1, column 3: only strings are allowed as mapping keys"),
            ("a: 'x\n", "on line 2, column 1: found unexpected end of stream"),
            ("- *nope\n", "reference to undefined anchor \"nope\""),
            ("a: [1, *x2]", "reference to undefined anchor \"x2\""),
            ("\ta: 1\n", "found character that cannot start any token"),
            ("a: 1\n\tb: 2\n", "on line 2, column 1: found a tab character that violates indentation"),
            ("---\na: 1\n---\nb: 2\n", "on line 2, column 1: unexpected extra content after value"),
            ("a: 1\n---\n", "on line 1, column 1: unexpected extra content after value"),
        ]
        for (source, message) in errors {
            #expect(textFailure("yamldecode", [textValue(source)]) == FunctionError(message), "\(source)")
        }
        #expect(try callTextFunction("yamldecode", [textValue("!!null ''")]) == textValue(""))
        #expect(
            try callTextFunction(
                "yamldecode", [textValue("- !!timestamp 2001-01-01\n- !!float 1_0\n- !!int 0x_1F\n- !!str\n")])
                == .tuple([textValue("2001-01-01T00:00:00Z"), numberValue("10"), numberValue("31"), textValue("")]))
        #expect(
            try callTextFunction("yamldecode", [textValue("a: 1\n? !!str n\n: 2\n!!str <<: 3\n'y': 4\n")])
                == .object([
                    "<<": numberValue("3"), "a": numberValue("1"), "n": numberValue("2"), "y": numberValue("4"),
                ]))
    }
}

@Suite struct HashFunctionTests {
    @Test(arguments: [
        ("md5", "", "d41d8cd98f00b204e9800998ecf8427e"),
        ("sha1", "é", "bf15be717ac1b080b4f1c456692825891ff5073d"),
        ("sha256", "hello", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        (
            "sha512", "a",
            "1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f5302860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75"
        ),
        ("base64sha256", "hello", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
        (
            "base64sha512", "",
            "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
        ),
    ])
    func hashes(name: String, input: String, expected: String) throws {
        #expect(try callTextFunction(name, [textValue(input)]) == textValue(expected))
    }

    @Test func uuidv5() throws {
        let cases: [(String, String, String)] = [
            ("dns", "example.com", "cfbff0d1-9375-5685-968c-48ce8b15ae17"),
            ("url", "", "1b4db7eb-4057-5ddf-91e0-36dec72071f5"),
            ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x", "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
            ("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}", "x", "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
            ("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x", "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
            ("6ba7b8109dad11d180b400c04fd430c8", "x", "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
        ]
        for (namespace, name, expected) in cases {
            #expect(try callTextFunction("uuidv5", [textValue(namespace), textValue(name)]) == textValue(expected))
        }
        #expect(
            textFailure("uuidv5", [textValue("bad"), textValue("x")])
                == FunctionError("uuidv5() doesn't support namespace bad (invalid UUID length: 3)"))
        #expect(
            textFailure("uuidv5", [textValue("6ba7b810-9dad-11d1-80b4-00c04fd430cg"), textValue("x")])
                == FunctionError(
                    "uuidv5() doesn't support namespace 6ba7b810-9dad-11d1-80b4-00c04fd430cg (invalid UUID format)"))
    }
}

@Suite struct DateFunctionTests {
    @Test func formatdate() throws {
        let cases: [(String, String, String)] = [
            ("YYYY-MM-DD hh:mm:ss ZZZZZ", "2024-02-29T23:05:09+05:30", "2024-02-29 23:05:09 +05:30"),
            (
                "YY M D h m s H HH AA aa EEE EEEE MMM MMMM Z ZZZ ZZZZ", "2001-01-07T00:05:09Z",
                "01 1 7 0 5 9 12 12 AM am Sun Sunday Jan January Z UTC +0000"
            ),
            ("H AA", "2001-01-07T12:00:00Z", "12 PM"),
            ("'It''s' hh 'o''clock' ''", "2001-01-07T12:00:00-08:00", "It's 12 o'clock '"),
            ("DD é ü", "2001-01-07T12:00:00Z", "07 é ü"),
            ("YYYY", "2001-01-07T12:00:00.123456789123Z", "2001"),
            ("Z ZZZ ZZZZ ZZZZZ", "2001-01-07T12:00:00-08:00", "-08:00 -0800 -0800 -08:00"),
        ]
        for (format, time, expected) in cases {
            #expect(
                try callTextFunction("formatdate", [textValue(format), textValue(time)]) == textValue(expected),
                "\(format)")
        }
    }

    @Test func formatdateErrors() {
        let formatErrors: [(String, String)] = [
            ("H A", "invalid date format verb \"A\": must be \"AA\""),
            ("'abc", "unterminated literal '"),
            ("YYY", "invalid date format verb \"YYY\": year must either be \"YY\" or \"YYYY\""),
            ("Q", "invalid date format verb \"Q\""),
            ("AAA", "invalid date format verb \"AAA\": must be \"AA\""),
            ("ZZ", "invalid date format verb \"ZZ\": timezone must be Z, ZZZZ, or ZZZZZ"),
        ]
        for (format, message) in formatErrors {
            #expect(
                textFailure("formatdate", [textValue(format), textValue("2001-01-07T12:00:00Z")])
                    == FunctionError(argument: 0, "invalid value for \"format\" parameter: \(message)"))
        }
        let timeErrors: [(String, String)] = [
            ("2001-01-07", "missing required time introducer 'T'"),
            ("", "end of string before year"),
            ("foo", "cannot use \"foo\" as year"),
            ("2001-13-07T12:00:00Z", "cannot use \"-07T12:00:00Z\" as month"),
            ("2001-02-30T12:00:00Z", "day out of range"),
            ("2001-01-07T1:00:00Z", "hour must have exactly two digits"),
            ("2001-01-07T24:00:00Z", "hour must be between 0 and 23 inclusive"),
            ("2001-01-07T12:00:00", "end of string before UTC offset"),
            ("2001-01-07T12:00:00,5Z", "cannot use \",\" as timestamp segment"),
            ("2001-01-07T12:00:00+25:00", "end of string before UTC offset"),
            ("2001-01-07T12:00:00+05:61", "end of string before UTC offset"),
            ("2001-01-07 12:00:00Z", "missing required time introducer 'T'"),
            ("2001-01-07T12:00:00Zx", "cannot use \"x\" as timestamp segment"),
            ("2001/01/07T12:00:00Z", "found \"/01/07T12:00:00Z\" where \"-\" is expected"),
            ("2001-01-07T12:60:00Z", "minute must have exactly two digits"),
            ("2001-01-07T12:00:60Z", "cannot use \"Z\" as second"),
            ("01-01-07T12:00:00Z", "cannot use \"01-01-07T12:00:00Z\" as year"),
            ("2001-01-07t12:00:00z", "missing required time introducer 'T'"),
        ]
        for (time, message) in timeErrors {
            #expect(
                textFailure("formatdate", [textValue("YYYY"), textValue(time)])
                    == FunctionError(
                        argument: 1, "invalid value for \"time\" parameter: not a valid RFC3339 timestamp: \(message)"),
                "\(time)")
        }
    }

    @Test func timeadd() throws {
        let cases: [(String, String, String)] = [
            ("2024-01-31T23:59:59Z", "1s", "2024-02-01T00:00:00Z"),
            ("2024-01-31T23:59:59.999Z", "1ms", "2024-02-01T00:00:00Z"),
            ("2024-01-31T23:59:59+02:00", "-1h30m", "2024-01-31T22:29:59+02:00"),
            ("2024-01-31T00:00:00+00:00", "1.5h", "2024-01-31T01:30:00Z"),
            ("2024-01-31T00:00:00Z", "0", "2024-01-31T00:00:00Z"),
            ("2024-01-31T00:00:00Z", "-.5h", "2024-01-30T23:30:00Z"),
            ("2024-01-31T00:00:00Z", "1µs1us1μs1ns", "2024-01-31T00:00:00Z"),
            ("0001-01-01T00:00:00Z", "-1s", "0000-12-31T23:59:59Z"),
            ("9999-12-31T23:59:59Z", "1s", "10000-01-01T00:00:00Z"),
        ]
        for (time, duration, expected) in cases {
            #expect(
                try callTextFunction("timeadd", [textValue(time), textValue(duration)]) == textValue(expected),
                "\(duration)")
        }
        let errors: [(String, String)] = [
            ("", "time: invalid duration \"\""),
            ("1", "time: missing unit in duration \"1\""),
            ("1x", "time: unknown unit \"x\" in duration \"1x\""),
            ("1h1", "time: missing unit in duration \"1h1\""),
            (".h", "time: invalid duration \".h\""),
            ("3000000h", "time: invalid duration \"3000000h\""),
            ("-20000000h", "time: invalid duration \"-20000000h\""),
            ("9999999999999999999h", "time: invalid duration \"9999999999999999999h\""),
        ]
        for (duration, message) in errors {
            #expect(
                textFailure("timeadd", [textValue("2024-01-31T00:00:00Z"), textValue(duration)])
                    == FunctionError(message), "\(duration)")
        }
        #expect(
            textFailure("timeadd", [textValue("bad"), textValue("1s")])
                == FunctionError("not a valid RFC3339 timestamp: cannot use \"bad\" as year"))
    }

    @Test func timecmp() throws {
        #expect(
            try callTextFunction(
                "timecmp", [textValue("2024-01-31T00:00:00Z"), textValue("2024-01-31T01:00:00+01:00")])
                == numberValue("0"))
        #expect(
            try callTextFunction("timecmp", [textValue("2024-01-31T00:00:00Z"), textValue("2024-01-31T00:00:01Z")])
                == numberValue("-1"))
        #expect(
            try callTextFunction("timecmp", [textValue("2024-01-31T00:00:01Z"), textValue("2024-01-31T00:00:00.5Z")])
                == numberValue("1"))
        #expect(
            textFailure("timecmp", [textValue("x"), textValue("2024-01-31T00:00:00Z")])
                == FunctionError(
                    argument: 0,
                    "invalid value for \"timestamp_a\" parameter: not a valid RFC3339 timestamp: cannot use \"x\" as year"
                ))
        #expect(
            textFailure("timecmp", [textValue("2024-01-31T00:00:00Z"), textValue("x")])
                == FunctionError(
                    argument: 1,
                    "invalid value for \"timestamp_b\" parameter: not a valid RFC3339 timestamp: cannot use \"x\" as year"
                ))
    }
}
