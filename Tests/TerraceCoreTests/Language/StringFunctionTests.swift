import Testing

@testable import TerraceCore

// Every expected value below is what `terraform console` (Terraform 1.11) answers for the same call. String
// literals in Terraform are NFC-normalized by HCL before a function sees them; the arguments here are what the
// function receives.

/// Calls a built-in function's implementation with arguments already converted to its parameter types.
func callTextFunction(_ name: String, _ arguments: [TypedValue]) throws(FunctionError) -> TypedValue {
    let groups = [
        FunctionLibrary.strings, FunctionLibrary.formatting, FunctionLibrary.regexes, FunctionLibrary.encodings,
        FunctionLibrary.hashes, FunctionLibrary.dates,
    ]
    guard let function = groups.joined().first(where: { $0.name == name }) else {
        throw FunctionError("no function \(name)")
    }
    return try function.implementation(arguments)
}

/// A string argument or result.
func textValue(_ text: String) -> TypedValue { .string(text) }

/// A number argument or result, from its decimal text.
func numberValue(_ text: String) -> TypedValue {
    guard let number = Number(parsing: text) else { fatalError("bad number \(text)") }
    return .number(number)
}

/// A list of strings.
func stringList(_ items: [String]) -> TypedValue { .list(items.map(TypedValue.string), .string) }

/// The message a call fails with, or nil when it succeeds.
func textFailure(_ name: String, _ arguments: [TypedValue]) -> FunctionError? {
    do {
        _ = try callTextFunction(name, arguments)
        return nil
    } catch {
        return error
    }
}

@Suite struct StringFunctionTests {
    @Test(arguments: [
        ("upper", "straße", "STRAßE"),
        ("upper", "ǆ ᾀ ß ŉ ﬀ", "Ǆ ᾈ ß ŉ ﬀ"),
        ("upper", "ǈ", "Ǉ"),
        ("upper", "", ""),
        ("lower", "İ ΑΣ Ǆ", "i ασ ǆ"),
        ("lower", "ǈ", "ǉ"),
        ("title", "hello wORLD foo_bar x-y éa 1a ßa", "Hello WORLD Foo_bar X-Y Éa 1a ßa"),
        ("title", "ǆa ᾀb ßc", "ǅa ᾈb ßc"),
        ("strrev", "e\u{301}x🇺🇸", "🇺🇸xe\u{301}"),
        ("strrev", "", ""),
        ("strrev", "क्षि", "षिक्"),
        ("strrev", "स्त्री", "रीत्स्"),
        ("strrev", "👨\u{200d}👩\u{200d}👧x", "x👨\u{200d}👩\u{200d}👧"),
        ("strrev", "ab\r\n", "\r\nba"),
        ("strrev", "กำ각", "각กำ"),
        ("trimspace", "\u{a0}\t x \u{3000}\u{200b}", "x \u{3000}\u{200b}"),
        ("trimspace", " \r\n a b \r\n", "a b"),
        ("chomp", "a\n\r\n\r\r", "a"),
        ("chomp", "a\n b\n", "a\n b"),
        ("chomp", "\r\n", ""),
        ("basename", "/a/b/", "b"),
        ("basename", "", "."),
        ("basename", "/", "/"),
        ("basename", "a//b//", "b"),
        ("dirname", "a/b/../c//d", "a/c"),
        ("dirname", "", "."),
        ("dirname", "/", "/"),
        ("dirname", "a", "."),
        ("dirname", "/a", "/"),
        ("dirname", "./a/./b", "a"),
    ])
    func oneStringFunctions(name: String, input: String, expected: String) throws {
        #expect(try callTextFunction(name, [textValue(input)]) == textValue(expected))
    }

    @Test(arguments: [
        ("trim", "xxhixy", "xy", "hi"),
        ("trim", "", "", ""),
        ("trim", "ééaé", "é", "a"),
        ("trimprefix", "aab", "a", "ab"),
        ("trimprefix", "e\u{301}", "e", "\u{301}"),
        ("trimprefix", "abc", "", "abc"),
        ("trimsuffix", "abb", "b", "ab"),
        ("trimsuffix", "abc", "abcd", "abc"),
    ])
    func twoStringFunctions(name: String, input: String, other: String, expected: String) throws {
        #expect(try callTextFunction(name, [textValue(input), textValue(other)]) == textValue(expected))
    }

    @Test func predicatesCompareBytes() throws {
        #expect(try callTextFunction("startswith", [textValue("é"), textValue("e")]) == .false)
        #expect(try callTextFunction("startswith", [textValue("e\u{301}"), textValue("e")]) == .true)
        #expect(try callTextFunction("startswith", [textValue("abc"), textValue("")]) == .true)
        #expect(try callTextFunction("endswith", [textValue("ab"), textValue("")]) == .true)
        #expect(try callTextFunction("endswith", [textValue("ab"), textValue("abc")]) == .false)
        #expect(try callTextFunction("endswith", [textValue("x🇺🇸"), textValue("🇸")]) == .true)
        #expect(try callTextFunction("strcontains", [textValue("abc"), textValue("")]) == .true)
        #expect(try callTextFunction("strcontains", [textValue("abc"), textValue("bc")]) == .true)
        #expect(try callTextFunction("strcontains", [textValue("abc"), textValue("cb")]) == .false)
    }

    @Test func substr() throws {
        let cases: [(String, String, String, String)] = [
            ("hello", "-10", "2", "he"),
            ("hello", "-3", "-1", "llo"),
            ("hello", "10", "2", ""),
            ("hello", "5", "2", ""),
            ("hello", "4", "0", ""),
            ("", "0", "1", ""),
            ("e\u{301}x", "0", "1", "e\u{301}"),
            ("hello", "0", "-2", "hello"),
            ("hello", "-1", "0", "o"),
            ("hello", "-3", "0", "llo"),
            ("hello", "-5", "1", "h"),
            ("hello", "1", "3", "ell"),
            ("hello", "1", "30", "ello"),
            ("क्षिa", "0", "1", "क्"),
        ]
        for (text, offset, length, expected) in cases {
            #expect(
                try callTextFunction("substr", [textValue(text), numberValue(offset), numberValue(length)])
                    == textValue(expected))
        }
        let notInteger = "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
        #expect(
            textFailure("substr", [textValue("hello"), numberValue("1.5"), numberValue("2")])
                == FunctionError(notInteger))
        #expect(
            textFailure("substr", [textValue("hello"), numberValue("1"), numberValue("1e30")])
                == FunctionError(notInteger))
    }

    @Test func indent() throws {
        #expect(try callTextFunction("indent", [numberValue("2"), textValue("a\nb\n")]) == textValue("a\n  b\n  "))
        #expect(try callTextFunction("indent", [numberValue("0"), textValue("a\nb")]) == textValue("a\nb"))
        #expect(
            textFailure("indent", [numberValue("1.5"), textValue("a")])
                == FunctionError("value must be a whole number, between -9223372036854775808 and 9223372036854775807"))
        #expect(
            textFailure("indent", [numberValue("-1"), textValue("a")])?.message.contains("negative Repeat count")
                == true)
    }

    @Test func split() throws {
        #expect(try callTextFunction("split", [textValue(""), textValue("")]) == stringList([]))
        #expect(try callTextFunction("split", [textValue(","), textValue("")]) == stringList([""]))
        #expect(try callTextFunction("split", [textValue(""), textValue("abc")]) == stringList(["a", "b", "c"]))
        #expect(try callTextFunction("split", [textValue(""), textValue("e\u{301}")]) == stringList(["e", "\u{301}"]))
        #expect(try callTextFunction("split", [textValue(","), textValue("a,,b,")]) == stringList(["a", "", "b", ""]))
        #expect(
            try callTextFunction("split", [textValue("::"), textValue("a::b:::c")]) == stringList(["a", "b", ":c"]))
    }

    @Test func join() throws {
        #expect(
            try callTextFunction("join", [textValue(","), stringList(["a"]), stringList(["b", "c"])])
                == textValue("a,b,c"))
        #expect(try callTextFunction("join", [textValue(","), stringList([])]) == textValue(""))
        #expect(try callTextFunction("join", [textValue("-"), stringList(["x"])]) == textValue("x"))
        #expect(
            textFailure("join", [textValue(","), .list([textValue("a"), .null(.string)], .string)])
                == FunctionError(
                    argument: 1,
                    "invalid value for \"lists\" parameter: element 1 is null; cannot concatenate null values"))
        #expect(
            textFailure("join", [textValue(","), stringList(["a"]), .list([textValue("b"), .null(.string)], .string)])
                == FunctionError(
                    argument: 2,
                    "invalid value for \"lists\" parameter: element 1 of list 2 is null; cannot concatenate null values"
                ))
        #expect(textFailure("join", [textValue(",")]) == FunctionError("at least one list is required"))
    }

    @Test func replace() throws {
        let cases: [(String, String, String, String)] = [
            ("abc", "", "-", "-a-b-c-"),
            ("a😀b", "", "-", "-a-😀-b-"),
            ("a.b.c", "/\\./", "$0$0", "a..b..c"),
            ("hello", "/(l+)/", "[$1]", "he[ll]o"),
            ("hello", "/(?P<x>l+)/", "[${x}]", "he[ll]o"),
            ("hello", "/l*/", "-", "-h-e-o-"),
            ("abc", "/", "x", "abc"),
            ("a/b", "/", "x", "axb"),
            ("hello", "/(l)/", "$1x$$", "he$$o"),
            ("aaa", "aa", "b", "ba"),
        ]
        for (text, search, replacement, expected) in cases {
            #expect(
                try callTextFunction("replace", [textValue(text), textValue(search), textValue(replacement)])
                    == textValue(expected))
        }
        #expect(
            textFailure("replace", [textValue("abc"), textValue("/[/"), textValue("x")])
                == FunctionError("error parsing regexp: missing closing ]: `[`"))
    }
}
