import Testing

@testable import TerraceCore

@Suite struct FunctionTests {
    private func value(_ expression: String) throws -> Value {
        try ExprTest.evaluate("${\(expression)}")
    }

    private func failure(_ expression: String) -> ExpressionError? {
        ExprTest.evaluationError("${\(expression)}")
    }

    @Test func caseFunctions() throws {
        #expect(try value(#"lower("HeLLo")"#) == "hello")
        #expect(try value(#"upper("héllo")"#) == "HÉLLO")
        #expect(try value(#"title("hello wide-world_x 2nd")"#) == "Hello Wide-World_x 2nd")
        #expect(try value("upper(5)") == "5")
        let error = try #require(failure("upper(network.subnets)"))
        #expect(error.message == "`upper` expects a string as argument 1, got list")
        #expect(error.location == ExprTest.at(9))
    }

    @Test func trimming() throws {
        #expect(try value("trimspace(\"  a b \\n\\t\")") == "a b")
        #expect(try value(#"trimspace("   ")"#) == "")
        #expect(try value(#"trim("?!hello?!", "!?")"#) == "hello")
        #expect(try value(#"trimprefix("helloworld", "hello")"#) == "world")
        #expect(try value(#"trimprefix("hello", "x")"#) == "hello")
        #expect(try value(#"trimsuffix("helloworld", "world")"#) == "hello")
        #expect(try value(#"startswith("hello", "he")"#) == true)
        #expect(try value(#"endswith("hello", "he")"#) == false)
    }

    @Test func replaceFunction() throws {
        #expect(try value(#"replace("1 + 2 + 3", "+", "-")"#) == "1 - 2 - 3")
        #expect(try value(#"replace("aaa", "aa", "b")"#) == "ba")
        #expect(try value(#"replace("abc", "", "-")"#) == "-a-b-c-")
        #expect(try value(#"replace("héllo", "é", "e")"#) == "hello")
    }

    @Test func splitAndJoin() throws {
        #expect(try value(#"split(",", "a,b,,c")"#) == ["a", "b", "", "c"])
        #expect(try value(#"split(",", "")"#) == [""])
        #expect(try value(#"split("", "ab")"#) == ["a", "b"])
        #expect(try value(#"join("-", ["a", "b", 3])"#) == "a-b-3")
        #expect(try value(#"join(", ", network.subnets)"#) == "subnet-a, subnet-b, subnet-c")
        #expect(try value(#"join("-", ["a"], ["b", "c"])"#) == "a-b-c")
        #expect(try value(#"join("-", [])"#) == "")
        let error = try #require(failure(#"join(",", network.vpc_id)"#))
        #expect(error.message == "`join` expects a list as argument 2, got string `vpc-123`")
        #expect(error.location == ExprTest.at(13))
        let nested = try #require(failure(#"join(",", [[1]])"#))
        #expect(nested.message == "`join` expects a list of strings as argument 2, but element 0 is list")
    }

    @Test func substrFunction() throws {
        #expect(try value(#"substr("hello world", 1, 4)"#) == "ello")
        #expect(try value(#"substr("hello", -3, -1)"#) == "llo")
        #expect(try value(#"substr("hello", 2, 100)"#) == "llo")
        #expect(try value(#"substr("🚀ab", 0, 2)"#) == "🚀a")
        #expect(failure(#"substr("abc", 5, 1)"#)?.message == "`substr` offset 5 is outside the string of 3 characters")
        #expect(failure(#"substr("abc", 0.5, 1)"#)?.message == "`substr` expects a whole number as argument 2, got 0.5")
    }

    @Test func formatFunction() throws {
        #expect(try value(#"format("%s-%d", "web", 3)"#) == "web-3")
        #expect(try value(#"format("%v|%v|%v", "a", 1.5, [1, "b"])"#) == #"a|1.5|[1,"b"]"#)
        #expect(try value(#"format("%q", "say \"hi\"")"#) == #""say \"hi\"""#)
        #expect(try value(#"format("100%%")"#) == "100%")
        #expect(try value(#"format("%03d|%-4s|%5s|%t", 7, "ab", "cd", true)"#) == "007|ab  |   cd|true")
        #expect(try value(#"format("%d", "12")"#) == "12")
        #expect(
            failure(#"format("%s %s", "a")"#)?.message == "`format` has too few arguments: the verb `%s` has no value")
        #expect(failure(#"format("%s", "a", "b")"#)?.message == "`format` got 2 values but its format string uses 1")
        #expect(failure(#"format("%d", 1.5)"#)?.message == "`format` `%d` expects a whole number, got 1.5")
        #expect(failure(#"format("%f", 1.5)"#)?.message == "`format` does not support the verb `%f`")
        #expect(failure(#"format("%s", [1])"#)?.message == "`format` cannot use `%s` with list argument 2")
        #expect(failure(#"format("abc%")"#)?.message == "`format` format string ends with an incomplete verb `%`")
        #expect(
            failure(#"format("%99999999999999999999d", 1)"#)?.message == "`format` width is too large (at most 1000)")
    }

    @Test func formatlistFunction() throws {
        #expect(try value(#"formatlist("%s=%s", ["a", "b"], "x")"#) == ["a=x", "b=x"])
        #expect(try value(#"formatlist("%s", "only")"#) == ["only"])
        #expect(failure(#"formatlist("%s%s", ["a"], ["b", "c"])"#)?.location == ExprTest.at(29))
    }

    @Test func lengthFunction() throws {
        #expect(try value("length(network.subnets)") == 3)
        #expect(try value("length(network.tags)") == 2)
        #expect(try value(#"length("héllo🚀")"#) == 6)
        #expect(failure("length(5)")?.message == "`length` expects a list, map or string as argument 1, got number")
    }

    @Test func listFunctions() throws {
        #expect(try value("concat([1, 2], [], [3])") == [1, 2, 3])
        #expect(failure(#"concat([1], "a")"#)?.message == "`concat` expects a list as argument 2, got string `a`")
        #expect(try value("element(network.subnets, 4)") == "subnet-b")
        #expect(try value("element(network.subnets, 0)") == "subnet-a")
        #expect(failure("element([], 0)")?.message == "`element` cannot take an element of an empty list")
        #expect(failure("element([1], -1)")?.message == "`element` index must not be negative, got -1")
        #expect(try value(#"contains(network.subnets, "subnet-b")"#) == true)
        #expect(try value(#"contains(network.subnets, "subnet-z")"#) == false)
        #expect(try value(#"distinct(["a", "b", "a", 1, 1])"#) == ["a", "b", 1])
        #expect(try value("flatten([[1, [2]], [], 3])") == [1, 2, 3])
        #expect(try value(#"compact(["a", "", null, "b"])"#) == ["a", "b"])
        #expect(try value("reverse([1, 2, 3])") == [3, 2, 1])
        #expect(try value(#"sort(["b", "a", "c"])"#) == ["a", "b", "c"])
        #expect(try value("slice([1, 2, 3, 4], 1, 3)") == [2, 3])
        #expect(
            failure("slice([1, 2], 1, 3)")?.message
                == "`slice` end index 3 must be between the start index 1 and the list length 2")
        #expect(try value(#"zipmap(["a", "b"], [1, 2])"#) == ["a": 1, "b": 2])
        #expect(try value("coalescelist([], [1], [2])") == [1])
    }

    @Test func mapFunctions() throws {
        #expect(try value(#"lookup(network.tags, "env", "dev")"#) == "prod")
        #expect(try value(#"lookup(network.tags, "zone", "dev")"#) == "dev")
        #expect(try value(#"lookup(network.tags, "env")"#) == "prod")
        let missing = try #require(failure(#"lookup(network.tags, "tema")"#))
        #expect(missing.message == "`lookup` found no key `tema` in the map")
        #expect(missing.hint == "did you mean `team`?")
        #expect(missing.location == ExprTest.at(24))
        #expect(
            try value(#"merge(network.tags, {env = "dev", x = 1}, null)"#) == ["env": "dev", "team": "core", "x": 1])
        #expect(failure("merge({}, [1])")?.message == "`merge` expects a map as argument 2, got list")
        #expect(try value("keys({b = 1, a = 2, c = 3})") == ["a", "b", "c"])
        #expect(try value("values({b = 1, a = 2, c = 3})") == [2, 1, 3])
        #expect(failure("keys([1])")?.message == "`keys` expects a map as argument 1, got list")
    }

    @Test func coalesceFunction() throws {
        #expect(try value(#"coalesce(null, "", "x", "y")"#) == "x")
        #expect(try value("coalesce(network.nothing, 0)") == 0)
        #expect(failure(#"coalesce(null, "")"#)?.message == "`coalesce` got no non-null, non-empty-string arguments")
    }

    @Test func conversions() throws {
        #expect(try value("tostring(1.25)") == "1.25")
        #expect(try value("tostring(true)") == "true")
        #expect(try value("tostring(null)") == .null)
        #expect(failure("tostring([1])")?.message == "`tostring` cannot convert a list to a string")
        #expect(try value(#"tonumber("42")"#) == 42)
        #expect(try value(#"tonumber("-1.5e2")"#) == -150)
        #expect(failure(#"tonumber("abc")"#)?.message == "`tonumber` cannot convert `abc` to a number")
        #expect(failure(#"tonumber("inf")"#)?.message == "`tonumber` cannot convert `inf` to a number")
        #expect(try value(#"tobool("true")"#) == true)
        #expect(failure(#"tobool("yes")"#)?.message == "`tobool` cannot convert `yes` to a bool")
        #expect(try value("tolist([1])") == [1])
        #expect(try value("tomap({a = 1})") == ["a": 1])
    }

    @Test func numberFunctions() throws {
        #expect(try value("min(3, 1.5, 2)") == 1.5)
        #expect(try value(#"max(3, "7", 2)"#) == 7)
        #expect(try value("abs(-4)") == 4)
        #expect(try value("ceil(1.2)") == 2)
        #expect(try value("floor(-1.2)") == -2)
        #expect(try value("sum([1, 2, 3.5])") == 6.5)
        let error = try #require(failure(#"max(1, "x")"#))
        #expect(error.message == "`max` expects a number as argument 2, got string `x`")
        #expect(error.location == ExprTest.at(10))
    }

    @Test func jsonencodeFunction() throws {
        #expect(
            try value(#"jsonencode({b = [1, 2.5, true, null], a = "x\"<"})"#)
                == #"{"a":"x\"\u003c","b":[1,2.5,true,null]}"#)
        #expect(try value(#"jsonencode("line\n")"#) == #""line\n""#)
        #expect(try value("jsonencode(network.tags)") == #"{"env":"prod","team":"core"}"#)
    }

    @Test func cidrFunctions() throws {
        #expect(try value(#"cidrsubnet("10.0.0.0/16", 8, 2)"#) == "10.0.2.0/24")
        #expect(try value(#"cidrsubnet("10.1.0.0/16", 4, 15)"#) == "10.1.240.0/20")
        #expect(try value(#"cidrsubnet("172.16.0.0/12", 4, 2)"#) == "172.18.0.0/16")
        #expect(try value(#"cidrsubnet(network.cidr, 0, 0)"#) == "10.0.0.0/16")
        #expect(try value(#"cidrhost("10.12.112.0/20", 16)"#) == "10.12.112.16")
        #expect(try value(#"cidrhost("10.12.112.0/20", -1)"#) == "10.12.127.255")
        #expect(try value(#"cidrhost("10.12.112.0/20", 268)"#) == "10.12.113.12")
        #expect(try value(#"cidrnetmask("172.16.0.0/12")"#) == "255.240.0.0")
        #expect(try value(#"cidrnetmask("10.0.0.0/0")"#) == "0.0.0.0")
        #expect(
            try value(#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#) == [
                "10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20",
            ])
        let space = try #require(failure(#"cidrsubnet("10.0.0.0/16", 20, 0)"#))
        #expect(space.message.hasPrefix("not enough remaining address space"))
        #expect(space.location == ExprTest.at(29))
        let netnum = try #require(failure(#"cidrsubnet("10.0.0.0/16", 8, 256)"#))
        #expect(
            netnum.message
                == "`10.0.0.0/16` extended by 8 bits has 256 subnets (0-255); subnet number 256 is out of range")
        #expect(netnum.location == ExprTest.at(32))
        let prefix = try #require(failure(#"cidrsubnet("10.0.0.0/33", 8, 0)"#))
        #expect(prefix.message == "invalid CIDR prefix: `10.0.0.0/33`: prefix length must be 0-32")
        #expect(prefix.location == ExprTest.at(14))
        #expect(
            failure(#"cidrhost("10.0.0.0/30", 4)"#)?.message
                == "`10.0.0.0/30` has 4 addresses; host number 4 is out of range")
        #expect(
            failure(#"cidrsubnets("10.0.0.0/30", 1, 1, 1)"#)?.message
                == "not enough remaining address space in `10.0.0.0/30` for a /31 subnet")
    }
}
