import Testing

@testable import TerraceCore

@Suite struct EvaluatorTests {
    @Test func literalTemplateIsString() throws {
        #expect(try ExprTest.evaluate("plain") == .string("plain"))
        #expect(try ExprTest.evaluate("42") == .string("42"))
    }

    @Test func singleExpressionKeepsType() throws {
        #expect(try ExprTest.evaluate("${network.subnets}") == ["subnet-a", "subnet-b", "subnet-c"])
        #expect(try ExprTest.evaluate("${network.tags}") == ["env": "prod", "team": "core"])
        #expect(try ExprTest.evaluate("${network.count}") == .number(3))
        #expect(try ExprTest.evaluate("${network.enabled}") == .bool(true))
        #expect(try ExprTest.evaluate("${network.nothing}") == .null)
        #expect(try ExprTest.evaluate("${[1, \"a\", true]}") == [1, "a", true])
        #expect(try ExprTest.evaluate("${{ k = [1] }}") == ["k": [1]])
        #expect(try ExprTest.evaluate("${42}") == .number(42))
    }

    @Test func interpolation() throws {
        #expect(try ExprTest.evaluate("id=${network.vpc_id}") == .string("id=vpc-123"))
        #expect(try ExprTest.evaluate("${network.count} subnets") == .string("3 subnets"))
        #expect(try ExprTest.evaluate("on=${network.enabled}") == .string("on=true"))
        #expect(try ExprTest.evaluate("x${network.nothing}y") == .string("xy"))
        #expect(try ExprTest.evaluate("${1.5}/${2}") == .string("1.5/2"))
    }

    @Test func interpolatingListOrMapFails() throws {
        let error = try #require(ExprTest.evaluationError("subnets: ${network.subnets}"))
        #expect(error.message == "cannot interpolate a list into a string")
        #expect(error.location == ExprTest.at(12))
        #expect(error.hint?.contains("join") == true)
        let map = try #require(ExprTest.evaluationError("${network.tags} "))
        #expect(map.message == "cannot interpolate a map into a string")
    }

    @Test func unknownPropagates() throws {
        #expect(try ExprTest.evaluate("${db.endpoint}") == .unknown)
        #expect(try ExprTest.evaluate("host=${db.endpoint}:5432") == .unknown)
        #expect(try ExprTest.evaluate("${upper(db.endpoint)}") == .unknown)
        #expect(try ExprTest.evaluate("${length(db.ports)}") == .unknown)
        #expect(try ExprTest.evaluate("${format(\"%s:%d\", db.endpoint, 5432)}") == .unknown)
        #expect(try ExprTest.evaluate("${db.ports[0]}") == .number(5432))
        #expect(try ExprTest.evaluate("${db.ports[1]}") == .unknown)
        #expect(try ExprTest.evaluate("${network.subnets[db.endpoint]}") == .unknown)
        #expect(try ExprTest.evaluate("${[db.endpoint, 1]}") == .list([.unknown, 1]))
        // Errors elsewhere in the template are still reported.
        #expect(
            ExprTest.evaluationError("${db.endpoint}${network.subnets}")?.message
                == "cannot interpolate a list into a string")
        // Wrong argument counts are reported even with unknown arguments.
        #expect(ExprTest.evaluationError("${upper(db.endpoint, 1)}")?.message == "`upper` takes 1 argument, got 2")
    }

    @Test func indexing() throws {
        #expect(try ExprTest.evaluate("${network.subnets[1]}") == .string("subnet-b"))
        #expect(try ExprTest.evaluate("${network.subnets[\"2\"]}") == .string("subnet-c"))
        #expect(try ExprTest.evaluate("${network.tags[\"env\"]}") == .string("prod"))
        #expect(try ExprTest.evaluate("${network.tags.team}") == .string("core"))
        #expect(try ExprTest.evaluate("${var.nested[\"a\"].b[2].deep}") == .string("yes"))
        #expect(try ExprTest.evaluate("${[10, 20][1]}") == .number(20))
        #expect(try ExprTest.evaluate("${{x = \"y\"}.x}") == .string("y"))
        #expect(try ExprTest.evaluate("${split(\",\", \"a,b\")[1]}") == .string("b"))
    }

    @Test func indexErrors() throws {
        let range = try #require(ExprTest.evaluationError("${network.subnets[3]}"))
        #expect(range.message == "index `3` is out of range for a list of 3 elements")
        #expect(range.location == ExprTest.at(19))
        #expect(range.hint == "valid indices are 0-2")
        let negative = try #require(ExprTest.evaluationError("${network.subnets[-1]}"))
        #expect(negative.message == "index `-1` is out of range for a list of 3 elements")
        let key = try #require(ExprTest.evaluationError("${network.tags[\"tema\"]}"))
        #expect(key.message == "map has no key `tema`")
        #expect(key.location == ExprTest.at(16))
        #expect(key.hint == "did you mean `team`?")
        let fraction = try #require(ExprTest.evaluationError("${network.subnets[1.5]}"))
        #expect(fraction.message == "list index `1.5` is not a whole number")
        let wrongKind = try #require(ExprTest.evaluationError("${network.subnets[\"x\"]}"))
        #expect(wrongKind.message == "a list is indexed by a number, got string `x`")
        let scalar = try #require(ExprTest.evaluationError("${network.vpc_id[0]}"))
        #expect(scalar.message == "cannot index a string")
        #expect(ExprTest.evaluationError("${network.nothing[0]}")?.message == "cannot index a null value")
    }

    @Test func attributesHelper() throws {
        let error = try #require(ExprTest.evaluationError("${network.tags.tema}"))
        #expect(error.message == "`network.tags` has no attribute `tema`")
        #expect(error.hint == "did you mean `team`?")
        #expect(error.location == ExprTest.at(16))
        let scalar = try #require(ExprTest.evaluationError("${network.vpc_id.x}"))
        #expect(scalar.message == "cannot read attribute `x` of a string")
        #expect(scalar.location == ExprTest.at(18))
        #expect(try ExprTest.evaluate("${db.endpoint.host}") == .unknown)
        let reference = Reference(path: ["a", "bb", "c"], location: ExprTest.origin)
        #expect(reference.location(ofSegment: 2) == ExprTest.at(6))
        #expect(reference.location(ofSegment: 9) == ExprTest.origin)
    }

    @Test func resolverErrorsPassThrough() throws {
        let error = try #require(ExprTest.evaluationError("x ${nope.value}"))
        #expect(error.message == "unknown reference `nope.value`")
        #expect(error.location == ExprTest.at(5))
    }

    @Test func resolverReceivesReferenceWithIndices() throws {
        let template = try ExprTest.parse("${a.b[0]}")
        var seen: [Reference] = []
        let value = try Evaluator.evaluate(template) { (reference: Reference) throws(ExpressionError) -> Value in
            seen.append(reference)
            return ["first"]
        }
        #expect(value == .string("first"))
        #expect(seen.map(\.path) == [["a", "b"]])
        #expect(seen.first?.indices.count == 1)
    }

    @Test func unknownFunctionSuggestion() throws {
        let error = try #require(ExprTest.evaluationError("${lowr(var.name)}"))
        #expect(error.message == "unknown function `lowr`")
        #expect(error.hint == "did you mean `lower`?")
        #expect(error.location == ExprTest.at(3))
        let none = try #require(ExprTest.evaluationError("${frobnicate(1)}"))
        #expect(none.hint == nil)
    }

    @Test func validation() throws {
        let errors = try ExprTest.validate(
            #"${cidrsubnet(network.cidr, 8)} ${lowr(x)} ${join(",", "a")} ${upper([1])}"#)
        #expect(
            errors.map(\.message) == [
                "`cidrsubnet` takes 3 arguments, got 2",
                "unknown function `lowr`",
                "`join` expects a list as argument 2, got string `a`",
                "`upper` expects a string as argument 1, got list",
            ])
        #expect(errors.map(\.location) == [ExprTest.at(3), ExprTest.at(34), ExprTest.at(55), ExprTest.at(69)])
        #expect(errors[1].hint == "did you mean `lower`?")
    }

    @Test func validationAcceptsConvertibleAndUnknownTypes() throws {
        #expect(try ExprTest.validate(#"${cidrsubnet("10.0.0.0/16", "8", 1)}"#).isEmpty)
        #expect(try ExprTest.validate(#"${upper(a.b)} ${join("-", a.list)} ${upper(5)}"#).isEmpty)
        #expect(try ExprTest.validate(#"${lookup({}, "k")} ${merge()}"#).isEmpty)
        let errors = try ExprTest.validate(#"${cidrsubnet("10.0.0.0/16", "eight", 1)} ${upper(split(",", x))}"#)
        #expect(
            errors.map(\.message) == [
                "`cidrsubnet` expects a number as argument 2, got string `eight`",
                "`upper` expects a string as argument 1, got list",
            ])
        let arity = try ExprTest.validate("${lookup(a)} ${concat()} ${min()} ${lower()}")
        #expect(
            arity.map(\.message) == [
                "`lookup` takes 2 or 3 arguments, got 1",
                "`concat` takes at least 1 argument, got 0",
                "`min` takes at least 1 argument, got 0",
                "`lower` takes 1 argument, got 0",
            ])
        let nested = try ExprTest.validate("${a[lowr(b)]}")
        #expect(nested.map(\.message) == ["unknown function `lowr`"])
    }

    @Test func functionNamesAreSorted() {
        let names = Evaluator.functionNames
        #expect(names == names.sorted())
        for required in [
            "lower", "upper", "title", "trimspace", "replace", "split", "join", "concat", "length", "element", "lookup",
            "merge", "keys", "values", "contains", "distinct", "flatten", "coalesce", "format", "substr", "tostring",
            "tonumber", "min", "max", "abs", "ceil", "floor", "jsonencode", "cidrsubnet", "cidrhost", "cidrnetmask",
        ] {
            #expect(names.contains(required), "missing \(required)")
        }
    }
}
