import Testing

@testable import TerraceCore

@Suite struct EvaluatorTests {
    @Test func literalTemplateIsString() throws {
        #expect(try ExprTest.evaluate("plain") == .string("plain"))
        #expect(try ExprTest.evaluate("42") == .string("42"))
    }

    @Test func singleInterpolationKeepsType() throws {
        #expect(try ExprTest.evaluate("${network.subnets}") == ["subnet-a", "subnet-b", "subnet-c"])
        #expect(try ExprTest.evaluate("${network.tags}") == ["env": "prod", "team": "core"])
        #expect(try ExprTest.evaluate("${network.count}") == .number(Number(3)))
        #expect(try ExprTest.evaluate("${network.enabled}") == .bool(true))
        #expect(try ExprTest.evaluate("${network.nothing}") == .null)
        #expect(try ExprTest.evaluate("${[1, \"a\", true]}") == [1, "a", true])
        #expect(try ExprTest.evaluate("${{ k = [1] }}") == ["k": [1]])
        #expect(try ExprTest.evaluate("${network.count * 2 + 1}") == .number(Number(7)))
    }

    @Test func interpolation() throws {
        #expect(try ExprTest.evaluate("id=${network.vpc_id}") == .string("id=vpc-123"))
        #expect(try ExprTest.evaluate("${network.count} subnets") == .string("3 subnets"))
        #expect(try ExprTest.evaluate("on=${network.enabled}") == .string("on=true"))
        #expect(try ExprTest.evaluate("${1.5}/${2}") == .string("1.5/2"))
        #expect(try ExprTest.evaluate("${0.1 + 0.2}").canonicalJSON == "0.3")
        #expect(try ExprTest.evaluate("${0.1 + 0.2} and ${1e20}") == .string("0.3 and 100000000000000000000"))
    }

    @Test func interpolatingNullListOrMapFails() throws {
        let list = try #require(ExprTest.evaluationError("subnets: ${network.subnets}"))
        #expect(list.message == "cannot include a tuple in a string template: a string is required")
        #expect(list.location == ExprTest.at(12))
        #expect(list.hint?.contains("join") == true)
        let map = try #require(ExprTest.evaluationError("${network.tags} "))
        #expect(map.message == "cannot include an object in a string template: a string is required")
        let null = try #require(ExprTest.evaluationError("x${network.nothing}y"))
        #expect(null.message == "cannot include a null value in a string template")
        #expect(null.location == ExprTest.at(4))
    }

    @Test func unknownPropagates() throws {
        #expect(try ExprTest.evaluate("${db.endpoint}") == .unknown)
        #expect(try ExprTest.evaluate("host=${db.endpoint}:5432") == .unknown)
        #expect(try ExprTest.evaluate("${upper(db.endpoint)}") == .unknown)
        // The length of a tuple is known even when an element is not, as in Terraform.
        #expect(try ExprTest.evaluate("${length(db.ports)}") == .number(2))
        #expect(try ExprTest.evaluate("${length(db.endpoint)}") == .unknown)
        #expect(try ExprTest.evaluate("${db.ports[0]}") == .number(Number(5432)))
        #expect(try ExprTest.evaluate("${db.ports[1]}") == .unknown)
        #expect(try ExprTest.evaluate("${network.subnets[db.endpoint]}") == .unknown)
        #expect(try ExprTest.evaluate("${[db.endpoint, 1]}") == .list([.unknown, 1]))
        #expect(try ExprTest.evaluate("${db.endpoint == \"x\" ? 3 : 1}") == .unknown)
        #expect(try ExprTest.evaluate("${db.endpoint * 2}") == .unknown)
        #expect(try ExprTest.evaluate("${[for p in db.ports : p]}") == .list([5432, .unknown]))
        #expect(try ExprTest.evaluate("${[for x in db.endpoint : x]}") == .unknown)
        #expect(try ExprTest.evaluate("%{ if db.endpoint != \"\" }a%{ endif }") == .unknown)
        #expect(try ExprTest.evaluate("${db.endpoint.host}") == .unknown)
        #expect(try ExprTest.evaluate("${db.endpoint[*].x}") == .unknown)
        // A known side decides `&&` and `||` even when the other is unknown.
        #expect(try ExprTest.evaluate("${false && db.endpoint == \"x\"}") == .bool(false))
        #expect(try ExprTest.evaluate("${true || db.endpoint == \"x\"}") == .bool(true))
        #expect(try ExprTest.evaluate("${true && db.endpoint == \"x\"}") == .unknown)
        // Errors elsewhere in the template are still reported.
        #expect(
            ExprTest.evaluationError("${db.endpoint}${network.subnets}")?.message
                == "cannot include a tuple in a string template: a string is required")
        #expect(ExprTest.evaluationError("${upper(db.endpoint, 1)}")?.message == "`upper` takes 1 argument, got 2")
        #expect(ExprTest.evaluationError("${db.endpoint + \"a\"}")?.location == ExprTest.at(17))
    }

    @Test func indexing() throws {
        #expect(try ExprTest.evaluate("${network.subnets[1]}") == .string("subnet-b"))
        #expect(try ExprTest.evaluate("${network.subnets[\"2\"]}") == .string("subnet-c"))
        #expect(try ExprTest.evaluate("${network.tags[\"env\"]}") == .string("prod"))
        #expect(try ExprTest.evaluate("${network.tags.team}") == .string("core"))
        #expect(try ExprTest.evaluate("${var.nested[\"a\"].b[2].deep}") == .string("yes"))
        #expect(try ExprTest.evaluate("${split(\",\", \"a,b\")[1]}") == .string("b"))
    }

    @Test func indexErrors() throws {
        let range = try #require(ExprTest.evaluationError("${network.subnets[3]}"))
        #expect(range.message == "index `3` is out of range for a tuple of 3 elements")
        #expect(range.location == ExprTest.at(19))
        #expect(range.hint == "valid indices are 0-2")
        let key = try #require(ExprTest.evaluationError("${network.tags[\"tema\"]}"))
        #expect(key.message == "the object has no attribute `tema`")
        #expect(key.location == ExprTest.at(16))
        #expect(key.hint == "did you mean `team`?")
        #expect(ExprTest.evaluationError("${network.subnets[1.5]}")?.message == "index `1.5` is not a whole number")
        #expect(
            ExprTest.evaluationError("${network.subnets[\"x\"]}")?.message
                == "a tuple is indexed by a number, got string `x`")
        #expect(ExprTest.evaluationError("${network.vpc_id[0]}")?.message == "a string cannot be indexed")
        #expect(ExprTest.evaluationError("${network.nothing[0]}")?.message == "cannot index a null value")
        #expect(ExprTest.evaluationError("${toset([1])[0]}")?.message == "a set cannot be indexed: its elements have no order")
    }

    @Test func attributes() throws {
        let error = try #require(ExprTest.evaluationError("${{team = 1}.tema}"))
        #expect(error.message == "the object has no attribute `tema`")
        #expect(error.hint == "did you mean `team`?")
        #expect(error.location == ExprTest.at(14))
        let list = try #require(ExprTest.evaluationError("${[{a = 1}].a}"))
        #expect(list.hint?.contains("[*].a") == true)
    }

    @Test func resolverErrorsPassThrough() throws {
        let error = try #require(ExprTest.evaluationError("x ${nope.value}"))
        #expect(error.message == "unknown reference `nope.value`")
        #expect(error.location == ExprTest.at(5))
    }

    @Test func resolverSeesPathsIndicesAreApplied() throws {
        let template = try ExprTest.parse("${a.b[0].c}")
        var seen: [[String]] = []
        let value = try Evaluator.evaluate(template) { (reference: Reference) throws(ExpressionError) -> Value in
            seen.append(reference.path)
            return [["c": "first"]]
        }
        #expect(value == .string("first"))
        #expect(seen == [["a", "b"]])
    }

    @Test func forExpressions() throws {
        #expect(try ExprTest.evaluate("${[for s in network.subnets : upper(s)]}") == ["SUBNET-A", "SUBNET-B", "SUBNET-C"])
        #expect(try ExprTest.evaluate("${[for i, s in network.subnets : i if i != 1]}") == [0, 2])
        #expect(try ExprTest.evaluate("${{for k, v in network.tags : v => k}}") == ["prod": "env", "core": "team"])
        #expect(try ExprTest.evaluate("${{for s in [\"a\", \"b\", \"a\"] : s => s...}}") == ["a": ["a", "a"], "b": ["b"]])
        let duplicate = try #require(ExprTest.evaluationError("${{for s in [\"a\", \"a\"] : s => 1}}"))
        #expect(duplicate.message == "two elements produced the key `a` in this `for` expression")
        #expect(duplicate.location == ExprTest.at(26))
        #expect(duplicate.hint?.contains("...") == true)
        let condition = try #require(ExprTest.evaluationError("${[for s in [1] : s if s]}"))
        #expect(condition.message == "the `if` of a `for` expression must be a bool, got number `1`")
        #expect(condition.location == ExprTest.at(24))
        #expect(ExprTest.evaluationError("${[for s in 5 : s]}")?.message == "a number cannot be iterated over in a `for` expression")
    }

    @Test func conditionals() throws {
        #expect(try ExprTest.evaluate("${network.count > 2 ? \"big\" : \"small\"}") == .string("big"))
        #expect(try ExprTest.evaluate("${true ? 1 : \"a\"}") == .string("1"))
        // Errors in the branch not taken are not reported, as in Terraform.
        #expect(try ExprTest.evaluate("${true ? 1 : network.subnets[9]}") == .number(Number(1)))
        let notBool = try #require(ExprTest.evaluationError("${\"x\" ? 1 : 2}"))
        #expect(notBool.message == "the condition must be a bool, got string `x`")
        #expect(notBool.location == ExprTest.at(3))
        #expect(ExprTest.evaluationError("${null ? 1 : 2}")?.message == "the condition is null: it must be true or false")
        let mismatch = try #require(ExprTest.evaluationError("${true ? [1] : {a = 1}}"))
        #expect(mismatch.message.hasPrefix("the true and false results of the conditional have inconsistent types"))
    }

    @Test func operatorErrorsNameTheOperand() throws {
        let left = try #require(ExprTest.evaluationError("${\"a\" * 2}"))
        #expect(left.message.hasPrefix("unsuitable value for the left operand"))
        #expect(left.location == ExprTest.at(3))
        let right = try #require(ExprTest.evaluationError("${2 * [1]}"))
        #expect(right.message.hasPrefix("unsuitable value for the right operand"))
        #expect(right.location == ExprTest.at(7))
        #expect(ExprTest.evaluationError("${-\"x\"}")?.message.hasPrefix("unsuitable value for the unary operand") == true)
        #expect(ExprTest.evaluationError("${0 / 0}")?.message == "cannot divide zero by zero or infinity by infinity")
        #expect(try ExprTest.evaluate("${\"2\" + 1}") == .number(Number(3)))
    }

    @Test func tryAndCan() throws {
        #expect(try ExprTest.evaluate("${try(network.subnets[9], \"none\")}") == .string("none"))
        #expect(try ExprTest.evaluate("${can(network.subnets[9])}") == .bool(false))
        #expect(try ExprTest.evaluate("${can(network.subnets[0])}") == .bool(true))
        #expect(try ExprTest.evaluate("${try(db.endpoint, \"x\")}") == .unknown)
        let none = try #require(ExprTest.evaluationError("${try(network.subnets[9], {}.x)}"))
        #expect(none.message.hasPrefix("`try`: no expression succeeded"))
    }

    @Test func functionsAreCheckedAndConverted() throws {
        let unknown = try #require(ExprTest.evaluationError("${lowr(var.name)}"))
        #expect(unknown.message == "unknown function `lowr`")
        #expect(unknown.hint == "did you mean `lower`?")
        #expect(unknown.location == ExprTest.at(3))
        let impure = try #require(ExprTest.evaluationError("${file(\"x\")}"))
        #expect(impure.message == "function `file` is not available in manifests")
        let argument = try #require(ExprTest.evaluationError("${length(5)}"))
        #expect(argument.location == ExprTest.at(10))
        #expect(try ExprTest.evaluate("${upper(5)}") == .string("5"))
        #expect(try ExprTest.evaluate("${max([3, 9, 2]...)}") == .number(Number(9)))
    }

    @Test func validationReportsWhatFailsWhateverTheOutputs() throws {
        // Every reference is unknown here; only what fails regardless is reported, at its own column.
        #expect(try ExprTest.validate(#"${upper(a.b)} ${a.c * 2} ${a.d ? 1 : 2} ${[for x in a.e : x.y]}"#).isEmpty)
        let cases: [(String, String, Int)] = [
            (#"${"a" * a.b}"#, "unsuitable value for the left operand", 3),
            ("${length(5) + a.b}", "`length`", 10),
            ("${\"yes\" ? a.b : a.c}", "the condition must be a bool", 3),
            ("${[for s in a.b : lowr(s)]}", "unknown function `lowr`", 19),
            ("${x.y}-${jsonencode({k = \"${frob(1)}\"})}", "unknown function `frob`", 29),
            ("${cidrsubnet(a.b, 8)}", "`cidrsubnet` takes 3 arguments, got 2", 3),
        ]
        for (text, message, column) in cases {
            let errors = try ExprTest.validate(text)
            #expect(errors.count == 1, "\(text): \(errors)")
            #expect(errors.first?.message.contains(message) == true, "\(text): \(errors)")
            #expect(errors.first?.location == ExprTest.at(column), "\(text): \(String(describing: errors.first))")
        }
    }

    @Test func functionNames() {
        let names = Evaluator.functionNames
        #expect(names == names.sorted())
        for required in [
            "lower", "upper", "replace", "regex", "regexall", "format", "formatlist", "join", "split", "concat", "length",
            "lookup", "merge", "flatten", "range", "try", "can", "base64encode", "yamlencode", "yamldecode", "jsondecode",
            "jsonencode", "sha256", "uuidv5", "cidrsubnet", "cidrsubnets", "tolist", "toset", "tomap", "setproduct",
            "parseint", "pow", "log", "transpose", "zipmap", "formatdate", "timeadd",
        ] {
            #expect(names.contains(required), "missing \(required)")
        }
    }
}
