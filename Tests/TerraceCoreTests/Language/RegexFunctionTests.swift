import Testing

@testable import TerraceCore

// Expected values are `terraform console`'s answers (Terraform 1.11, Go's RE2).

@Suite struct RegexFunctionTests {
    @Test(arguments: [
        ("[a-z]+", "53453453.345345aaabbbccc23454", "aaabbbccc"),
        ("\\d+", "١٢٣ 42", "42"),
        ("\\w+", "héllo", "h"),
        ("(?m)a$", "a\nb", "a"),
        ("(?m)^b", "a\nb", "b"),
        ("(?s)a.b", "a\nb", "a\nb"),
        ("(?i)HELLO", "hello", "hello"),
        ("[[:alpha:]]+", "héllo", "h"),
        ("\\pL+", "héllo1", "héllo"),
        ("\\p{Greek}+", "abcαβγ", "αβγ"),
        ("[^a]", "é", "é"),
        ("\\x41\\x{42}\\101", "ABA", "ABA"),
        ("\\Qa.b\\E", "xa.bx", "a.b"),
        ("(?U)a+", "aaa", "a"),
        ("(?U)a+?", "aaa", "aaa"),
        ("a+?", "aaa", "a"),
        ("", "abc", ""),
        ("[]a]+", "]a]", "]a]"),
        ("[a-c&&b]+", "a&b", "a&b"),
        ("\\bfoo\\b", "a foo b", "foo"),
        ("\\s+", "a \u{a0} b", " "),
        ("a{2}", "aaa", "aa"),
        ("a{,2}", "a{,2}", "a{,2}"),
        ("^*a", "a", "a"),
        ("a\\z+", "ba", "a"),
        ("(?i:A)a", "aa", "aa"),
    ])
    func regexMatches(pattern: String, text: String, expected: String) throws {
        #expect(try callTextFunction("regex", [textValue(pattern), textValue(text)]) == textValue(expected))
    }

    @Test(arguments: [
        ("[a-z]+", "123"),
        ("a$", "a\n"),
        ("^b", "a\nb"),
        ("a.b", "a\nb"),
    ])
    func regexWithoutMatch(pattern: String, text: String) {
        #expect(
            textFailure("regex", [textValue(pattern), textValue(text)])
                == FunctionError("pattern did not match any part of the given string"))
    }

    @Test func captureGroups() throws {
        #expect(
            try callTextFunction("regex", [textValue("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), textValue("2019-02-01")])
                == .tuple([textValue("2019"), textValue("02"), textValue("01")]))
        #expect(
            try callTextFunction(
                "regex",
                [
                    textValue("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"),
                    textValue("https://terraform.io/docs/"),
                ])
                == .object(["scheme": textValue("https"), "authority": textValue("terraform.io")]))
        #expect(
            try callTextFunction("regex", [textValue("(a)|(b)"), textValue("b")])
                == .tuple([.null(.string), textValue("b")]))
        #expect(
            try callTextFunction("regex", [textValue("(?P<x>a)|(?P<y>b)"), textValue("b")])
                == .object(["x": .null(.string), "y": textValue("b")]))
        #expect(
            try callTextFunction("regex", [textValue("(?P<first_name>\\w+) (?<last>\\w+)"), textValue("John Smith")])
                == .object(["first_name": textValue("John"), "last": textValue("Smith")]))
    }

    @Test func repeatedGroupNamesKeepTheLastGroup() throws {
        #expect(
            try callTextFunction("regexall", [textValue("(?P<n>a)(?P<n>b)"), textValue("aab abc")])
                == .list([.object(["n": textValue("b")]), .object(["n": textValue("b")])], .object(["n": .string])))
    }

    @Test(arguments: [
        ("(a)(?P<y>b)", "cannot mix both named and unnamed capture groups"),
        ("[", "missing closing ] in ["),
        ("a)", "unexpected ) in a)"),
        ("(a", "missing closing ) in (a"),
        ("a**", "invalid nested repetition operator in **"),
        ("\\1", "invalid escape sequence in \\1"),
        ("(?=a)", "invalid or unsupported Perl syntax in (?="),
        ("x{2,1}", "invalid repeat count in {2,1}"),
        ("*a", "missing argument to repetition operator in *"),
        ("x{1001}", "invalid repeat count in {1001}"),
        ("a{2}{3}", "invalid nested repetition operator in {2}{3}"),
    ])
    func patternErrors(pattern: String, message: String) {
        #expect(
            textFailure("regex", [textValue(pattern), textValue("x")])
                == FunctionError(
                    argument: 0, "invalid value for \"pattern\" parameter: invalid regexp pattern: \(message)"))
        #expect(textFailure("regexall", [textValue(pattern), textValue("x")])?.argument == 0)
    }

    @Test func regexAll() throws {
        let single: [(String, String, [String])] = [
            ("[a-z]+", "1234abcd5678efgh9", ["abcd", "efgh"]),
            ("a*", "baaac", ["", "aaa", ""]),
            ("", "ab", ["", "", ""]),
            ("x", "abc", []),
            ("\\b", "ab cd", ["", "", "", ""]),
            (".", "a😀b", ["a", "😀", "b"]),
            ("$", "ab", [""]),
            ("^", "ab", [""]),
            ("a|", "aab", ["a", "a", ""]),
        ]
        for (pattern, text, expected) in single {
            #expect(try callTextFunction("regexall", [textValue(pattern), textValue(text)]) == stringList(expected))
        }
        #expect(
            try callTextFunction("regexall", [textValue("(\\d+)-(\\d+)"), textValue("1-2 33-44")])
                == .list(
                    [.tuple([textValue("1"), textValue("2")]), .tuple([textValue("33"), textValue("44")])],
                    .tuple([.string, .string])))
        let pairs = ValueType.object(["k": .string, "v": .string])
        #expect(
            try callTextFunction("regexall", [textValue("(?P<k>\\w+)=(?P<v>\\w*)"), textValue("a=1 b= c=3")])
                == .list(
                    [
                        .object(["k": textValue("a"), "v": textValue("1")]),
                        .object(["k": textValue("b"), "v": textValue("")]),
                        .object(["k": textValue("c"), "v": textValue("3")]),
                    ], pairs))
        #expect(
            try callTextFunction("regexall", [textValue("(x)?y"), textValue("yxy")])
                == .list([.tuple([.null(.string)]), .tuple([textValue("x")])], .tuple([.string])))
    }

    @Test func regexReplace() throws {
        let cases: [(String, String, String, String)] = [
            ("aaa", "/a*/", "-", "-"),
            ("abc", "/x*/", "-", "-a-b-c-"),
            ("a😀b", "//", "-", "-a-😀-b-"),
            ("hello world", "/(\\w+) (\\w+)/", "$2 $1", "world hello"),
            ("hello world", "/(?P<a>\\w+) (?P<b>\\w+)/", "$b-$a-$c-$", "world-hello--$"),
            ("abc", "/(b)/", "1x$1x", "a1xc"),
            ("abc", "/(b)/", "${1}x", "abxc"),
            ("abc", "/(b)/", "$", "a$c"),
            ("abc", "/(b)/", "${1", "a${1c"),
            ("abc", "/(b)/", "$01", "ac"),
            ("abc", "/(b)/", "$10", "ac"),
        ]
        for (text, pattern, replacement, expected) in cases {
            #expect(
                try callTextFunction("replace", [textValue(text), textValue(pattern), textValue(replacement)])
                    == textValue(expected))
        }
    }
}
