import Testing
@testable import TerraceCore

/// `jsonencode` and `jsondecode`, each expected value taken from Terraform 1.11.4 (`terraform console`:
/// `jsonencode(S)` and `jsonencode(jsondecode(S))`; errors as "Call to function ... failed: MESSAGE").
struct TypedValueJSONTests {
    /// Strings: (value, jsonencode).
    static let strings: [(String, String)] = [
        ("a<b>&c", "=\"a\\u003cb\\u003e\\u0026c\""),
        ("\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}", "=\"\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\""),
        ("\u{2028}\u{2029}", "=\"\\u2028\\u2029\""),
        ("é ü 😀", "=\"é ü 😀\""),
        ("quote\" back\\ slash/", "=\"quote\\\" back\\\\ slash/\""),
        ("", "=\"\""),
        (" ​", "=\" ​\""),
        ("tab\there", "=\"tab\\there\""),
    ]

    @Test(arguments: strings.indices)
    func stringEncodingMatchesTerraform(_ index: Int) throws {
        let (text, expected) = Self.strings[index]
        #expect("=" + (try TypedValue.string(text).jsonEncoded()) == expected)
    }

    /// Documents: (JSON text, jsonencode(jsondecode(text)) or the error).
    static let documents: [(String, String)] = [
        ("{\"a\":1,\"a\":2}", "={\"a\":2}"),
        ("{\"a\":1,\"a\":\"x\"}", "={\"a\":\"x\"}"),
        ("1 2", "!extraneous data after JSON object"),
        ("1 ]", "=1"),
        ("[1,]", "!invalid character ']' looking for beginning of value"),
        ("", "!EOF"),
        ("01", "!extraneous data after JSON object"),
        ("{\"a\" 1}", "!invalid character '1' after object key"),
        ("tru", "!unexpected EOF"),
        ("1.50000000000000000000000001", "=1.50000000000000000000000001"),
        ("[1e400]", "=[10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000]"),
        ("\"\\ud800\"", "=\"�\""),
        ("\"\\u00e9\"", "=\"é\""),
        (" [ ] ", "=[]"),
        ("[1", "!EOF"),
        ("{\"a\":1", "!EOF"),
        ("{", "!EOF"),
        ("\"abc", "!unexpected EOF"),
        ("-", "!unexpected EOF"),
        ("1.", "!unexpected EOF"),
        ("1.x", "!invalid character 'x' after decimal point in numeric literal"),
        ("1e", "!unexpected EOF"),
        ("[", "!EOF"),
        ("{x}", "!invalid character 'x'"),
        ("{\"a\":1,}", "!invalid character '}' looking for beginning of object key string"),
        ("[1 2]", "!invalid character '2' after array element"),
        ("{\"a\":1 \"b\":2}", "!invalid character '\"' after object key:value pair"),
        ("trux", "!invalid character 'x' in literal true (expecting 'e')"),
        ("nul", "!unexpected EOF"),
        ("\"a\\qb\"", "!invalid character 'q' in string escape code"),
        ("\"\\u12G4\"", "!invalid character 'G' in \\u hexadecimal character escape"),
        ("\"a\u{1}\"", "!invalid character '\\x01' in string literal"),
        ("+1", "!invalid character '+' looking for beginning of value"),
        (".5", "!invalid character '.' looking for beginning of value"),
        ("1}", "=1"),
        ("[] x", "!extraneous data after JSON object"),
        ("{\"a\":\"x\",\"a\":1}", "!a number is required"),
        ("{\"a\":[1],\"a\":2}", "!number is required"),
        ("{\"a\":1,\"a\":{}}", "!missing expected {"),
        ("{\"a\":[1],\"a\":[2,3]}", "!not enough tuple elements (need 2)"),
        ("{\"a\":[1,2],\"a\":[3]}", "!too many tuple elements (need 1)"),
        ("{\"a\":{\"x\":1},\"a\":{\"y\":2}}", "!unsupported attribute \"x\""),
        ("{\"a\":{\"x\":1},\"a\":{\"x\":2,\"y\":3}}", "={\"a\":{\"x\":2,\"y\":3}}"),
        ("{\"a\":1,\"a\":null}", "!missing expected {"),
        ("{\"a\":\"true\",\"a\":false}", "={\"a\":false}"),
        ("{\"a\":\"yes\",\"a\":false}", "!a bool is required"),
        ("{\"a\":true,\"a\":\"x\"}", "={\"a\":\"x\"}"),
        ("\"\\ud83d\\ude00\\ud800\\u0041\"", "=\"😀�A\""),
        ("\"e\\u0301\"", "=\"é\""),
        ("1E+2", "=100"),
        ("-0.0", "=-0"),
        ("123456789012345678901234567890", "=123456789012345678901234567890"),
        ("{\"b\":[1,{\"c\":null}],\"a\":\"x<y\"}", "={\"a\":\"x\\u003cy\",\"b\":[1,{\"c\":null}]}"),
        ("\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "=\"/\\b\\f\\n\\r\\t\\\"\\\\\""),
        ("null", "=null"),
        ("true", "=true"),
        (" false ", "=false"),
        ("-1.5e-3", "=-0.0015"),
        ("{\"\":1}", "={\"\":1}"),
        ("[null,[null]]", "=[null,[null]]"),
        ("{\"a\":null}", "={\"a\":null}"),
        ("\"\\uDE00\"", "=\"�\""),
        ("\"\\ud800\\ud800\"", "=\"��\""),
        ("0", "=0"),
        ("-0", "=-0"),
        ("1e-400", "=0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"),
        ("[1,2", "!EOF"),
        ("{\"a\":1}}", "={\"a\":1}"),
        ("{\"a\":1}x", "!extraneous data after JSON object"),
        ("\"x\"  ", "=\"x\""),
        ("{\"value\":1,\"type\":\"number\"}", "={\"type\":\"number\",\"value\":1}"),
        ("{\"a\":1.0,\"a\":\"1.50\"}", "={\"a\":\"1.50\"}"),
        ("{\"a\":\"1.50\",\"a\":1}", "={\"a\":1}"),
        ("[tru]", "!invalid character ']' in literal true (expecting 'e')"),
        ("[nulx]", "!invalid character 'x' in literal null (expecting 'l')"),
        ("\t\n 7 \r", "=7"),
        ("\"a\nb\"", "!invalid character '\\n' in string literal"),
        ("{,}", "!invalid character ','"),
        ("[:]", "!invalid character ':' looking for beginning of value"),
        ("{\"a\":}", "!invalid character '}' looking for beginning of value"),
        ("{\"a\"", "!EOF"),
        ("{\"a\":", "!EOF"),
        ("[1,", "!EOF"),
        ("\"\\u00", "!unexpected EOF"),
        ("\"\\", "!unexpected EOF"),
        ("{1:2}", "!invalid character '1'"),
        ("[-]", "!invalid character ']' in numeric literal"),
        ("[01]", "!invalid character '1' after array element"),
        ("[1.e1]", "!invalid character 'e' after decimal point in numeric literal"),
        ("\"\\U0041\"", "!invalid character 'U' in string escape code"),
        ("[true false]", "!invalid character 'f' after array element"),
    ]

    @Test(arguments: documents.indices)
    func decodingMatchesTerraform(_ index: Int) {
        let (text, expected) = Self.documents[index]
        let got: String
        do {
            got = "=" + (try TypedValue.jsonDecoded(text).jsonEncoded())
        } catch {
            got = "!" + error.message
        }
        #expect(got == expected, "jsondecode(\(text))")
    }

    @Test func decodedTypes() throws {
        let value = try TypedValue.jsonDecoded(#"{"a": [1, "x", null], "b": {"c": true}, "d": null}"#)
        #expect(value == .object([
            "a": .tuple([.number(Number(1)), .string("x"), .nullValue]),
            "b": .object(["c": .true]),
            "d": .nullValue,
        ]))
        // Numbers keep every digit.
        let number = try TypedValue.jsonDecoded("0.1000000000000000000000000000001")
        #expect(try number.jsonEncoded() == "0.1000000000000000000000000000001")
        // Strings are NFC-normalized, keys too.
        #expect(try TypedValue.jsonDecoded(#""e\u0301""#) == .string("\u{E9}"))
        #expect(try TypedValue.jsonDecoded(#""e\u0301""#).jsonEncoded().utf8.count == 4)
        #expect(try TypedValue.jsonDecoded("{\"e\u{301}\": 1}").mapEntries?.keys.first?.unicodeScalars.count == 1)
    }

    @Test func encodingCollections() throws {
        let one = TypedValue.number(Number(1))
        let value = TypedValue.object([
            "list": .list([one, .null(.number)], .number),
            "set": TypedValue.set([.string("b"), .string("a")], of: .string),
            "map": .map(["z": .true, "é": .false, "A": .true], .bool),
            "tuple": .tuple([]),
            "object": .object([:]),
            "null": .null(.list(.string)),
        ])
        #expect(try value.jsonEncoded()
            == #"{"list":[1,null],"map":{"A":true,"z":true,"é":false},"null":null,"object":{},"set":["a","b"],"tuple":[]}"#)
        #expect(try TypedValue.nullValue.jsonEncoded() == "null")
        #expect(try TypedValue.number(Number(-0.0)).jsonEncoded() == "-0")
        #expect(try TypedValue.number(Number(1e21)).jsonEncoded() == "1000000000000000000000")
        #expect(try TypedValue.number(Number(-42)).jsonEncoded() == "-42")
        #expect(try TypedValue.number(Number(0.5)).jsonEncoded() == "0.5")
    }

    @Test func encodingFailures() {
        #expect(throws: ConversionError(message: "cannot serialize infinity as JSON")) {
            try TypedValue.number(.infinity).jsonEncoded()
        }
        #expect(throws: ConversionError(path: [".a", "[1]"], message: "value is not known")) {
            try TypedValue.object(["a": .tuple([.number(Number(1)), .unknown(.number)])]).jsonEncoded()
        }
        #expect(throws: ConversionError(path: [#"["k"]"#], message: "cannot serialize infinity as JSON")) {
            try TypedValue.map(["k": .number(.negativeInfinity)], .number).jsonEncoded()
        }
    }

    @Test func decodingDepthIsLimited() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: ConversionError(message: "exceeded max depth")) { try TypedValue.jsonDecoded(deep) }
        let fine = String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100)
        #expect(try TypedValue.jsonDecoded(fine).jsonEncoded() == fine)
    }

    @Test func roundTrip() throws {
        let text = #"{"a":[1,"x\u003cy",true,null,{"b":-0.5}],"c":"\u2028\n","d":{}}"#
        let value = try TypedValue.jsonDecoded(text)
        #expect(try value.jsonEncoded() == text)
        #expect(try TypedValue.jsonDecoded(value.jsonEncoded()) == value)
    }

    @Test func encodingALargeValue() throws {
        var items: [TypedValue] = []
        for index in 0..<2000 {
            items.append(.object(["name": .string("unit-\(index) <&>"), "size": .number(Number(index)), "on": .bool(index % 2 == 0)]))
        }
        let text = try TypedValue.tuple(items).jsonEncoded()
        #expect(text.hasPrefix(#"[{"name":"unit-0 \u003c\u0026\u003e","on":true,"size":0},"#))
        #expect(try TypedValue.jsonDecoded(text) == .tuple(items))
    }
}
