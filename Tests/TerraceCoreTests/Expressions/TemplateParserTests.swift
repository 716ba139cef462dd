import Testing

@testable import TerraceCore

@Suite struct TemplateParserTests {
    @Test func plainStringIsLiteral() throws {
        let template = try ExprTest.parse("hello world")
        #expect(template.parts == [.literal("hello world")])
        #expect(template.isLiteral)
        #expect(!template.isSingleInterpolation)
        #expect(template.references.isEmpty)
        #expect(template.location == ExprTest.origin)
    }

    @Test func emptyStringHasNoParts() throws {
        let template = try ExprTest.parse("")
        #expect(template.parts.isEmpty)
        #expect(try Evaluator.evaluate(template, resolve: ExprTest.resolve) == .string(""))
    }

    @Test func singleReference() throws {
        let template = try ExprTest.parse("${network.vpc_id}")
        #expect(template.isSingleInterpolation)
        let reference = try #require(template.references.first)
        #expect(reference.path == ["network", "vpc_id"])
        #expect(reference.text == "network.vpc_id")
        // `${` occupies columns 12-13, so the reference starts at column 14, and `vpc_id` at column 22.
        #expect(reference.location == SourceLocation(file: "units/app.yaml", line: 7, column: 14))
        #expect(reference.location(ofSegment: 1) == ExprTest.at(11))
    }

    @Test func mixedPartsAndLocations() throws {
        let template = try ExprTest.parse("vpc-${network.vpc_id}-${var.name}!")
        #expect(template.parts.count == 5)
        #expect(template.parts.first == .literal("vpc-"))
        #expect(template.parts.last == .literal("!"))
        #expect(template.references.map(\.text) == ["network.vpc_id", "var.name"])
        #expect(template.references.map(\.location.column) == [18, 36])
    }

    @Test func whitespaceAroundSingleInterpolation() throws {
        #expect(try !ExprTest.parse(" ${a}").isSingleInterpolation)
        #expect(try !ExprTest.parse("${a} ").isSingleInterpolation)
        #expect(try !ExprTest.parse("${a}${b}").isSingleInterpolation)
        #expect(try ExprTest.parse("${ a }").isSingleInterpolation)
    }

    @Test func escapes() throws {
        let template = try ExprTest.parse("cost: $${price} and $5, %%{ x } and 50%")
        #expect(template.parts == [.literal("cost: ${price} and $5, %{ x } and 50%")])
        #expect(try ExprTest.evaluate("$${x}") == .string("${x}"))
        #expect(try ExprTest.evaluate("a$$${var.name}") == .string("a$${var.name}"))
        #expect(try ExprTest.evaluate("$ ${var.name}") == .string("$ Web App"))
        // Backslashes are plain text in a manifest string (YAML already read it), but escapes in quoted strings.
        #expect(try ExprTest.evaluate(#"a\n${"b\tc\u00e9\U0001F600"}"#) == .string("a\\nb\tcé😀"))
    }

    @Test func referencesAtEveryDepth() throws {
        let template = try ExprTest.parse(
            #"${format("%s", lower(a.b))} ${c[d.e]} ${x ? y.z : [for s in w.list : "${s}-${k.v}" if s != u.v]} %{ if p.q }${r.s}%{ endif }"#
        )
        #expect(
            template.references.map(\.text) == ["a.b", "c", "d.e", "x", "y.z", "w.list", "k.v", "u.v", "p.q", "r.s"])
    }

    @Test func loopVariablesAreNotReferences() throws {
        let template = try ExprTest.parse(
            #"${[for i, s in net.subnets : s.id if i > 0]} ${{for k, v in m.tags : k => v}} %{ for x in l.items }${x}%{ endfor }${x.y}"#
        )
        // `s`, `i`, `k`, `v` are bound by the `for`; the `x` after `endfor` is a reference again.
        #expect(template.references.map(\.text) == ["net.subnets", "m.tags", "l.items", "x.y"])
    }

    @Test func nestedTemplateInsideStringLiteral() throws {
        // The IAM policy case: a template inside a string inside `jsonencode(...)`.
        let text = #"${jsonencode({Resource = ["${data.s3_bucket_arn}/*"]})}"#
        let template = try ExprTest.parse(text)
        let reference = try #require(template.references.first)
        #expect(reference.text == "data.s3_bucket_arn")
        // `data` is the 30th character: column 12 + 29.
        #expect(reference.location == ExprTest.at(30))
    }

    @Test func operatorPrecedence() throws {
        #expect(try ExprTest.json("1 + 2 * 3") == "7")
        #expect(try ExprTest.json("(1 + 2) * 3") == "9")
        #expect(try ExprTest.json("10 - 4 - 3") == "3")
        #expect(try ExprTest.json("2 * 3 % 4") == "2")
        #expect(try ExprTest.json("1 < 2 == true") == "true")
        #expect(try ExprTest.json("true || false && false") == "true")
        #expect(try ExprTest.json("!true || true") == "true")
        #expect(try ExprTest.json("-2 * -3") == "6")
        #expect(try ExprTest.json("true ? 1 : false ? 2 : 3") == "1")
        #expect(try ExprTest.json("false ? 1 : false ? 2 : 3") == "3")
    }

    @Test func splatsAndTraversals() throws {
        #expect(try ExprTest.json(#"[{a = 1}, {a = 2}][*].a"#) == "[1,2]")
        #expect(try ExprTest.json(#"[{a = {b = 1}}, {a = {b = 2}}].*.a.b"#) == "[1,2]")
        #expect(try ExprTest.json(#"[{a = [1, 2]}, {a = [3]}][*].a[0]"#) == "[1,3]")
        #expect(try ExprTest.json(#"[{a = [1, 2]}, {a = [3]}].*.a[0]"#) == "[1,2]")
        #expect(try ExprTest.json("[[1, 2], [3]].1[0]") == "3")
        // Like Terraform, `x.0.1` reads `0.1` as one number.
        #expect(throws: ExpressionError.self) { try ExprTest.json("[[1, 2], [3]].0.1") }
        #expect(try ExprTest.json("null[*]") == "[]")
        #expect(try ExprTest.json(#""x"[*]"#) == #"["x"]"#)
        #expect(try ExprTest.json(#"{a = {b = [10, 20]}}.a["b"][1]"#) == "20")
    }

    @Test func directivesAndStripMarkers() throws {
        #expect(try ExprTest.evaluate("%{ if true }yes%{ else }no%{ endif }") == .string("yes"))
        #expect(try ExprTest.evaluate("%{ if 1 > 2 }yes%{ else }no%{ endif }") == .string("no"))
        #expect(try ExprTest.evaluate("%{ for x in [1, 2, 3] }${x},%{ endfor }") == .string("1,2,3,"))
        #expect(try ExprTest.evaluate("%{ for k, v in {a = 1, b = 2} }${k}=${v} %{ endfor }") == .string("a=1 b=2 "))
        #expect(try ExprTest.evaluate("a  ${~ \"b\" ~}  c") == .string("abc"))
        #expect(try ExprTest.evaluate("%{ for x in [\"a\", \"b\"] ~}\n  ${x}\n%{~ endfor }") == .string("ab"))
        #expect(try ExprTest.evaluate("[ %{~ if true ~} x %{~ endif ~} ]") == .string("[x]"))
        // A directive nested in a string literal inside an expression.
        #expect(try ExprTest.json(#"upper("%{ if true }on%{ endif }")"#) == #""ON""#)
    }

    @Test func heredocs() throws {
        #expect(try ExprTest.evaluate("${<<EOT\nhello ${var.name}\n  two\nEOT\n}") == .string("hello Web App\n  two\n"))
        #expect(try ExprTest.evaluate("${upper(<<-EOT\n    a\n      b\n    EOT\n)}") == .string("A\n  B\n"))
        #expect(try ExprTest.evaluate("${<<EOT\n%{ for x in [1, 2] }${x}%{ endfor }\nEOT\n}") == .string("12\n"))
        let template = try ExprTest.parse("${<<EOT\nx ${net.id}\nEOT\n}")
        #expect(template.references.first?.location == SourceLocation(file: "units/app.yaml", line: 8, column: 5))
        let open = try #require(ExprTest.parseError("${<<EOT\nno end\n}"))
        #expect(open.message == "unterminated heredoc: no line holds only `EOT`")
        #expect(open.location == ExprTest.at(3))
        #expect(ExprTest.parseError("${<<EOT x\nEOT\n}")?.message == "expected a line break after `<<EOT`, found ` `")
    }

    @Test func multilineLocations() throws {
        let template = try ExprTest.parse("a\nx ${b.c}\n${d}")
        let references = template.references
        #expect(references[0].location == SourceLocation(file: "units/app.yaml", line: 8, column: 5))
        #expect(references[1].location == SourceLocation(file: "units/app.yaml", line: 9, column: 3))
    }

    @Test func columnsCountUnicodeScalars() throws {
        let template = try ExprTest.parse("é🚀${a}")
        #expect(template.references.first?.location.column == 12 + 4)
    }

    @Test func syntaxErrorsAreLocated() throws {
        let cases: [(String, String, Int)] = [
            ("abc ${network.vpc_id", "unterminated `${`", 5),
            ("${lower(x", "expected `,` or `)` in the call to `lower`, found the end of the text", 10),
            ("ab${ }", "expected an expression inside `${...}`", 6),
            ("${a b}", "expected `}` to close the `${` at 7:12, found `b`", 5),
            (#"${lower("abc)}"#, "unterminated string", 9),
            ("${\"ab\ncd\"}", "unterminated string: a quoted string cannot span lines", 3),
            (#"${"a\qb"}"#, "invalid escape sequence `\\q`", 5),
            ("${[1, 2}", "expected `,` or `]` in the list, found `}`", 8),
            ("${a[0}", "expected `]` after the index, found `}`", 6),
            ("${a.}", "expected an attribute name after `.`, found `}`", 4),
            ("${a[]}", "expected an index inside `[]`", 5),
            ("${1 +}", "expected an expression, found `}`", 6),
            ("${true ? 1}", "expected `:` in the conditional, found `}`", 11),
            ("${[for x in y]}", "expected `:` after the collection of the `for`, found `]`", 14),
            ("${{for k, v in m : k}}", "expected `=>` after the key of an object `for`, found `}`", 21),
            ("%{ if true }x", "`%{ if }` has no matching `%{ endif }`", 1),
            ("x%{ endif }", "`%{ endif }` without a matching `%{ if }`", 2),
            ("%{ for x in y }x%{ endif }", "`%{ endif }` without a matching `%{ if }`", 17),
            ("%{ frobnicate }", "unknown template directive `frobnicate`", 4),
            ("${1e99999999999}", "number `1e99999999999` is out of range", 3),
            ("${foo::bar(1)}", "provider functions such as `foo::…` are not available in manifests", 3),
        ]
        for (text, message, column) in cases {
            let error = try #require(ExprTest.parseError(text), "\(text) parsed")
            #expect(error.message == message, "\(text)")
            #expect(error.location == ExprTest.at(column), "\(text): \(error.location)")
        }
    }

    @Test func nestingLimit() throws {
        let ok = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(throws: Never.self) { try ExprTest.parse("${\(ok)}") }
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(ExprTest.parseError("${\(deep)}")?.message == "expression nested too deeply")
        let strings = String(repeating: "\"${", count: 300) + String(repeating: "}\"", count: 300)
        #expect(ExprTest.parseError("${\(strings)}")?.message == "expression nested too deeply")
        let negations = String(repeating: "-", count: 500) + "1"
        #expect(ExprTest.parseError("${\(negations)}")?.message == "expression nested too deeply")
    }

    @Test func standaloneExpressions() throws {
        let origin = SourceLocation(file: "<console>", line: 1, column: 1)
        #expect(throws: ExpressionError.self) { try TemplateParser.parseExpression("1 2", at: origin) }
        #expect(throws: ExpressionError.self) { try TemplateParser.parseExpression("   ", at: origin) }
        let expression = try TemplateParser.parseExpression("  # comment\n a.b /* c */ + 1 // d", at: origin)
        #expect(expression.references.map(\.text) == ["a.b"])
    }

    @Test func errorDiagnostic() throws {
        let error = try #require(ExprTest.parseError("${a b}"))
        #expect(error.diagnostic.severity == .error)
        #expect(error.diagnostic.location == error.location)
        #expect(error.description.hasPrefix("units/app.yaml:7:16: error: expected `}`"))
    }
}
