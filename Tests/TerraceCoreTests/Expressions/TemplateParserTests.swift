import Testing

@testable import TerraceCore

@Suite struct TemplateParserTests {
    @Test func plainStringIsLiteral() throws {
        let template = try ExprTest.parse("hello world")
        #expect(template.parts == [.literal("hello world")])
        #expect(template.isLiteral)
        #expect(!template.isSingleExpression)
        #expect(template.references.isEmpty)
        #expect(template.location == ExprTest.origin)
    }

    @Test func emptyStringHasNoParts() throws {
        let template = try ExprTest.parse("")
        #expect(template.parts.isEmpty)
        #expect(template.isLiteral)
        #expect(try Evaluator.evaluate(template, resolve: ExprTest.resolve) == .string(""))
    }

    @Test func singleReference() throws {
        let template = try ExprTest.parse("${network.vpc_id}")
        #expect(template.isSingleExpression)
        #expect(!template.isLiteral)
        let reference = try #require(template.references.first)
        #expect(reference.path == ["network", "vpc_id"])
        #expect(reference.text == "network.vpc_id")
        #expect(reference.indices.isEmpty)
        // `${` occupies columns 12-13, so the reference starts at column 14.
        #expect(reference.location == SourceLocation(file: "units/app.yaml", line: 7, column: 14))
    }

    @Test func mixedPartsAndLocations() throws {
        let template = try ExprTest.parse("vpc-${network.vpc_id}-${var.name}!")
        #expect(template.parts.count == 5)
        #expect(template.parts.first == .literal("vpc-"))
        #expect(template.parts.last == .literal("!"))
        #expect(!template.isSingleExpression)
        let references = template.references
        #expect(references.map(\.text) == ["network.vpc_id", "var.name"])
        #expect(references.map(\.location.column) == [18, 36])
    }

    @Test func whitespaceAroundSingleExpressionIsNotSingle() throws {
        #expect(try !ExprTest.parse(" ${a}").isSingleExpression)
        #expect(try !ExprTest.parse("${a} ").isSingleExpression)
        #expect(try !ExprTest.parse("${a}${b}").isSingleExpression)
        #expect(try ExprTest.parse("${ a }").isSingleExpression)
    }

    @Test func dollarEscape() throws {
        let template = try ExprTest.parse("cost: $${price} and $5")
        #expect(template.parts == [.literal("cost: ${price} and $5")])
        #expect(template.isLiteral)
        #expect(try ExprTest.evaluate("$${x}") == .string("${x}"))
        // Scanning is left to right: the first `$` is plain, the next two start the escape.
        #expect(try ExprTest.evaluate("a$$${var.name}") == .string("a$${var.name}"))
        #expect(try ExprTest.evaluate("$ ${var.name}") == .string("$ Web App"))
    }

    @Test func referenceIndices() throws {
        let template = try ExprTest.parse(#"${var.nested["a"].b[2]["deep"]}"#)
        let reference = try #require(template.references.first)
        #expect(reference.path == ["var", "nested"])
        #expect(reference.text == #"var.nested["a"].b[2]["deep"]"#)
        #expect(reference.indices.count == 4)
        // The index `"a"` starts at column 12 + 13 = 25 (the 14th character).
        #expect(reference.indices.first?.location == ExprTest.at(14))
        #expect(reference.indices[1] == .literal(.string("b"), location: ExprTest.at(19)))
    }

    @Test func literals() throws {
        func single(_ text: String) throws -> Expression {
            let template = try ExprTest.parse(text)
            guard case .expression(let expression) = try #require(template.parts.first) else {
                Issue.record("not an expression")
                return .literal(.null, location: ExprTest.origin)
            }
            return expression
        }
        #expect(try single("${42}") == .literal(.number(42), location: ExprTest.at(3)))
        #expect(try single("${-3.5}") == .literal(.number(-3.5), location: ExprTest.at(3)))
        #expect(try single("${1e3}") == .literal(.number(1000), location: ExprTest.at(3)))
        #expect(try single("${true}") == .literal(.bool(true), location: ExprTest.at(3)))
        #expect(try single("${false}") == .literal(.bool(false), location: ExprTest.at(3)))
        #expect(try single("${null}") == .literal(.null, location: ExprTest.at(3)))
        #expect(try single(#"${"a\"b\\c\nd\te"}"#) == .literal(.string("a\"b\\c\nd\te"), location: ExprTest.at(3)))
        #expect(try single(#"${"}"}"#) == .literal(.string("}"), location: ExprTest.at(3)))
        #expect(try single(#"${"${x}"}"#) == .literal(.string("${x}"), location: ExprTest.at(3)))
    }

    @Test func listsMapsAndCalls() throws {
        let template = try ExprTest.parse(#"${merge({ a = 1, "b-c" = [x.y, 2,], d: "e" }, {})}"#)
        guard case .expression(.call(let name, let arguments, let location)) = try #require(template.parts.first) else {
            Issue.record("expected a call")
            return
        }
        #expect(name == "merge")
        #expect(location == ExprTest.at(3))
        #expect(arguments.count == 2)
        guard case .map(let entries, let mapLocation) = arguments[0] else {
            Issue.record("expected a map")
            return
        }
        #expect(mapLocation == ExprTest.at(9))
        #expect(entries.map(\.key) == ["a", "b-c", "d"])
        #expect(entries[1].keyLocation == ExprTest.at(18))
        #expect(template.references.map(\.text) == ["x.y"])
        #expect(template.references.first?.location == ExprTest.at(27))
    }

    @Test func mapEntriesMaySpanLines() throws {
        let value = try ExprTest.evaluate("${{\n  a = 1\n  b = \"two\"\n}}")
        #expect(value == ["a": 1, "b": "two"])
    }

    @Test func referencesInsideArgumentsInOrder() throws {
        let template = try ExprTest.parse(#"${format("%s-%s", lower(a.b), c[d.e])} ${f.g}"#)
        #expect(template.references.map(\.text) == ["a.b", "c[d.e]", "d.e", "f.g"])
    }

    @Test func indexOnCallResult() throws {
        let template = try ExprTest.parse(#"${split(",", "a,b")[1]}"#)
        guard case .expression(.index(let base, let key)) = try #require(template.parts.first) else {
            Issue.record("expected an index")
            return
        }
        #expect(base.location == ExprTest.at(3))
        #expect(key == .literal(.number(1), location: ExprTest.at(21)))
    }

    @Test func multilineLocations() throws {
        // Line 7 col 12 is "a"; after the newline "x" sits on line 8, column 1.
        let template = try ExprTest.parse("a\nx ${b.c}\n${d}")
        let references = template.references
        #expect(references[0].location == SourceLocation(file: "units/app.yaml", line: 8, column: 5))
        #expect(references[1].location == SourceLocation(file: "units/app.yaml", line: 9, column: 3))
    }

    @Test func columnsCountUnicodeScalars() throws {
        let template = try ExprTest.parse("é🚀${a}")
        #expect(template.references.first?.location.column == 12 + 4)
    }

    @Test func unterminatedInterpolationPointsAtOpening() throws {
        let error = try #require(ExprTest.parseError("abc ${network.vpc_id"))
        #expect(error.message == "unterminated `${`")
        #expect(error.location == ExprTest.at(5))
        #expect(try #require(ExprTest.parseError("${lower(x")).location == ExprTest.at(1))
        #expect(try #require(ExprTest.parseError("x${[1, 2")).message == "unterminated `${`")
    }

    @Test func emptyInterpolation() throws {
        let error = try #require(ExprTest.parseError("ab${ }"))
        #expect(error.message == "empty expression `${}`")
        #expect(error.location == ExprTest.at(3))
        #expect(error.hint?.contains("$${") == true)
    }

    @Test func unexpectedCharacter() throws {
        let error = try #require(ExprTest.parseError("${a + b}"))
        #expect(error.message == "unexpected character `+`")
        #expect(error.location == ExprTest.at(5))
        #expect(error.location.column == 16)
        #expect(error.hint?.contains("operators") == true)
        #expect(try #require(ExprTest.parseError("${'x'}")).message == "unexpected character `'`")
    }

    @Test func unterminatedString() throws {
        let error = try #require(ExprTest.parseError(#"${lower("abc)}"#))
        #expect(error.message == "unterminated string literal")
        #expect(error.location == ExprTest.at(9))
        let newline = try #require(ExprTest.parseError("${\"ab\ncd\"}"))
        #expect(newline.message == "unterminated string literal")
        #expect(newline.location == ExprTest.at(3))
    }

    @Test func unknownEscape() throws {
        let error = try #require(ExprTest.parseError(#"${"a\qb"}"#))
        #expect(error.message == "unknown escape sequence `\\q` in string literal")
        #expect(error.location == ExprTest.at(5))
    }

    @Test func missingClosers() throws {
        let paren = try #require(ExprTest.parseError("${lower(a b)}"))
        #expect(paren.message == "missing `)` in call to `lower`: found `b`")
        #expect(paren.location == ExprTest.at(11))
        let bracket = try #require(ExprTest.parseError("${[1, 2}"))
        #expect(bracket.message == "missing `]` in list: found `}`")
        #expect(bracket.location == ExprTest.at(8))
        let index = try #require(ExprTest.parseError("${a[0}"))
        #expect(index.message == "missing `]` after index: found `}`")
        #expect(index.location == ExprTest.at(6))
        let group = try #require(ExprTest.parseError("${(a b)}"))
        #expect(group.message == "missing `)`: found `b`")
    }

    @Test func otherSyntaxErrors() throws {
        let trailing = try #require(ExprTest.parseError("${a b}"))
        #expect(trailing.message == "unexpected `b`")
        #expect(trailing.location == ExprTest.at(5))
        let dot = try #require(ExprTest.parseError("${a.}"))
        #expect(dot.message == "expected an attribute name after `.`, found `}`")
        #expect(dot.location == ExprTest.at(5))
        let number = try #require(ExprTest.parseError("${1abc}"))
        #expect(number.message == "invalid number `1abc`")
        let duplicate = try #require(ExprTest.parseError("${{a = 1, a = 2}}"))
        #expect(duplicate.message == "duplicate map key `a`")
        #expect(duplicate.location == ExprTest.at(11))
        let dottedCall = try #require(ExprTest.parseError("${a.b(1)}"))
        #expect(dottedCall.message == "unexpected `(` after `a.b`")
        let emptyIndex = try #require(ExprTest.parseError("${a[]}"))
        #expect(emptyIndex.message == "empty index `[]`")
        #expect(try #require(ExprTest.parseError("${1e999}")).message == "number `1e999` is out of range")
    }

    @Test func nestingLimit() throws {
        let ok = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(throws: Never.self) { try ExprTest.parse("${\(ok)}") }
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let error = try #require(ExprTest.parseError("${\(deep)}"))
        #expect(error.message == "expression is nested too deeply (more than 64 levels)")
        #expect(error.location == ExprTest.at(3 + 64))
        let calls = String(repeating: "lower(", count: 100) + "a" + String(repeating: ")", count: 100)
        #expect(ExprTest.parseError("${\(calls)}")?.message.hasPrefix("expression is nested too deeply") == true)
    }

    @Test func literalTextAfterExpressionIsNotLexed() throws {
        // The quote after the interpolation is plain text, not an unterminated string.
        let template = try ExprTest.parse(#"${a}" and 'b"#)
        #expect(template.parts.last == .literal(#"" and 'b"#))
    }

    @Test func parseThrowing() throws {
        #expect(throws: ExpressionError.self) { try TemplateParser.parseThrowing("${", at: ExprTest.origin) }
        #expect(try TemplateParser.parseThrowing("x", at: ExprTest.origin).parts == [.literal("x")])
    }

    @Test func errorDiagnostic() throws {
        let error = try #require(ExprTest.parseError("${a + b}"))
        let diagnostic = error.diagnostic
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.location == error.location)
        #expect(diagnostic.message == error.message)
        #expect(error.description.hasPrefix("units/app.yaml:7:16: error: unexpected character `+`"))
    }
}
