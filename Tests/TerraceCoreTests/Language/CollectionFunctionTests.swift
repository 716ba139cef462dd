import Testing

@testable import TerraceCore

// Expected results are Terraform 1.11's (`terraform console`, `jsonencode(...)` and `type(...)`).

private func call(_ name: String, _ arguments: TypedValue...) throws -> TypedValue {
    try BuiltinCall.call(name, arguments)
}

private func s(_ text: String) -> TypedValue { .string(text) }
private func n(_ literal: String) -> TypedValue { .number(Number(parsing: literal)!) }
private func n(_ value: Int) -> TypedValue { .number(Number(value)) }
private func tuple(_ items: TypedValue...) -> TypedValue { .tuple(items) }
private func list(_ items: [TypedValue], _ element: ValueType) -> TypedValue { .list(items, element) }
private func object(_ attributes: [String: TypedValue]) -> TypedValue { .object(attributes) }
private func tolist(_ value: TypedValue) throws -> TypedValue { try call("tolist", value) }
private func tomap(_ value: TypedValue) throws -> TypedValue { try call("tomap", value) }
private func toset(_ value: TypedValue) throws -> TypedValue { try call("toset", value) }
private let null = TypedValue.nullValue

private func failure(_ message: String, argument: Int? = nil) -> FunctionError {
    FunctionError(argument: argument, message)
}

@Suite struct CollectionFunctionTests {
    @Test func length() throws {
        #expect(try call("length", s("héllo👍🏽")) == n(6))
        #expect(try call("length", tuple(n(1), s("a"))) == n(2))
        #expect(try call("length", tolist(tuple())) == n(0))
        #expect(try call("length", object(["a": n(1), "b": n(2)])) == n(2))
        #expect(try call("length", toset(tuple(s("a"), s("a"), s("b")))) == n(2))
        #expect(try call("length", .unknown(.tuple([.string, .number]))) == n(2))
        #expect(try call("length", .unknown(.list(.string))) == .unknown(.number))
        #expect(try call("length", .unknown(.dynamic)) == .unknown(.number))
        #expect(throws: failure("argument must be a string, a collection type, or a structural type", argument: 0)) {
            try call("length", n(1))
        }
        #expect(throws: failure("argument must not be null", argument: 0)) { try call("length", null) }
    }

    @Test func alltrueAndAnytrue() throws {
        #expect(try call("alltrue", tuple()) == .true)
        #expect(try call("alltrue", tuple(.true, s("true"))) == .true)
        #expect(try call("alltrue", tuple(.true, .false)) == .false)
        #expect(try call("alltrue", tuple(.true, .null(.bool))) == .false)
        #expect(try call("anytrue", tuple()) == .false)
        #expect(try call("anytrue", tuple(.false, s("true"))) == .true)
        #expect(try call("anytrue", tuple(.null(.bool), .false)) == .false)
        // A known false decides alltrue even next to an unknown; an unknown before it does not.
        #expect(try call("alltrue", tuple(.false, .unknown(.bool))) == .false)
        #expect(try call("alltrue", tuple(.unknown(.bool), .false)) == .unknown(.bool))
        #expect(try call("anytrue", tuple(.unknown(.bool), .true)) == .true)
        #expect(try call("anytrue", tuple(.unknown(.bool), .false)) == .unknown(.bool))
    }

    @Test func chunklist() throws {
        #expect(
            try call("chunklist", tuple(n(1), n(2), n(3), n(4), n(5)), n(2))
                == list(
                    [list([n(1), n(2)], .number), list([n(3), n(4)], .number), list([n(5)], .number)],
                    .list(.number)))
        #expect(try call("chunklist", tuple(), n(2)) == list([], .list(.dynamic)))
        #expect(
            try call("chunklist", tuple(s("a"), s("b")), n(0))
                == list([list([s("a"), s("b")], .string)], .list(.string)))
        #expect(throws: failure("the size argument must be positive")) { try call("chunklist", tuple(n(1)), n(-1)) }
        #expect(
            throws: failure(
                "invalid size: value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        ) { try call("chunklist", tuple(n(1)), n("1.5")) }
    }

    @Test func coalesce() throws {
        #expect(try call("coalesce", s(""), s("b")) == s("b"))
        #expect(try call("coalesce", null, n(1), s("x")) == s("1"))
        #expect(throws: failure("no non-null, non-empty-string arguments")) { try call("coalesce", null, s("")) }
        #expect(throws: failure("all arguments must have the same type")) { try call("coalesce", n(1), tuple(n(1))) }
        #expect(throws: failure("all arguments must have the same type")) { try call("coalesce") }
        #expect(try call("coalesce", .unknown(.string), s("a")) == .unknown(.string))
    }

    @Test func coalescelist() throws {
        #expect(try call("coalescelist", tuple(), tuple(n(1), n(2))) == tuple(n(1), n(2)))
        #expect(try call("coalescelist", tolist(tuple()), tolist(tuple(s("a")))) == list([s("a")], .string))
        #expect(throws: failure("no non-null arguments")) { try call("coalescelist", tuple(), tuple()) }
        #expect(throws: failure("coalescelist arguments must be lists or tuples")) { try call("coalescelist", s("a")) }
        #expect(throws: failure("at least one argument is required")) { try call("coalescelist") }
    }

    @Test func compact() throws {
        #expect(try call("compact", tuple(s("a"), s(""), null, s("b"))) == list([s("a"), s("b")], .string))
        #expect(try call("compact", tuple()) == list([], .string))
        #expect(try call("compact", tuple(s("a"), .unknown(.string))) == .unknown(.list(.string)))
    }

    @Test func concat() throws {
        #expect(try call("concat", tuple(n(1)), tuple(s("a"))) == tuple(n(1), s("a")))
        #expect(try call("concat", tolist(tuple(n(1))), tolist(tuple(n(2)))) == list([n(1), n(2)], .number))
        #expect(try call("concat", tolist(tuple(n(1))), tolist(tuple(s("a")))) == list([s("1"), s("a")], .string))
        #expect(try call("concat", tolist(tuple(n(1))), tuple(n(2))) == tuple(n(1), n(2)))
        #expect(try call("concat", tuple(), tuple()) == tuple())
        #expect(throws: failure("all arguments must be lists or tuples; got string", argument: 1)) {
            try call("concat", tuple(n(1)), s("a"))
        }
        #expect(throws: failure("at least one argument is required")) { try call("concat") }
    }

    @Test func contains() throws {
        #expect(try call("contains", tuple(n(1), n(2)), n(2)) == .true)
        #expect(try call("contains", tuple(s("1")), n(1)) == .false)
        #expect(try call("contains", toset(tuple(s("a"))), s("a")) == .true)
        #expect(try call("contains", tuple(), n(1)) == .false)
        #expect(throws: failure("argument must be list, tuple, or set")) {
            try call("contains", object(["a": n(1)]), n(1))
        }
        #expect(throws: failure("argument must not be null", argument: 1)) { try call("contains", tuple(n(1)), null) }
        #expect(try call("contains", tuple(.unknown(.number), n(2)), n(2)) == .true)
        #expect(try call("contains", tuple(.unknown(.number), n(2)), n(3)) == .unknown(.bool))
    }

    @Test func distinct() throws {
        #expect(try call("distinct", tuple(n(1), n(2), n(1), s("1"))) == list([s("1"), s("2")], .string))
        #expect(try call("distinct", tuple()) == list([], .dynamic))
        #expect(
            try call("distinct", tuple(tuple(n(1)), tuple(n(1)), tuple(n(2))))
                == list([tuple(n(1)), tuple(n(2))], .tuple([.number])))
    }

    @Test func element() throws {
        #expect(try call("element", tuple(s("a"), s("b"), s("c")), n(4)) == s("b"))
        #expect(try call("element", tolist(tuple(s("a"), s("b"), s("c"))), n(-1)) == s("c"))
        #expect(throws: failure("cannot use element function with an empty list")) { try call("element", tuple(), n(0)) }
        #expect(throws: failure("cannot use element function with an empty list")) {
            try call("element", tolist(tuple()), n(0))
        }
        #expect(throws: failure("cannot read elements from set of number")) {
            try call("element", toset(tuple(n(1))), n(0))
        }
        #expect(
            throws: failure(
                "invalid index: value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        ) { try call("element", tuple(n(1), n(2)), n("1.5")) }
        // Terraform 1.11 (cty 1.16) panics on a negative index into a tuple.
        #expect(throws: failure("panic in function implementation: runtime error: index out of range [-1]")) {
            try call("element", tuple(n(1), n(2), n(3)), n(-1))
        }
    }

    @Test func flatten() throws {
        #expect(
            try call("flatten", tuple(tuple(n(1), tuple(n(2), n(3))), n(4), tuple(), tuple(tuple(n(5)))))
                == tuple(n(1), n(2), n(3), n(4), n(5)))
        #expect(try call("flatten", tuple()) == tuple())
        #expect(try call("flatten", tuple(null, tuple(null))) == tuple(null, null))
        #expect(try call("flatten", toset(tuple(tuple(n(1))))) == tuple(n(1)))
        #expect(throws: failure("can only flatten lists, sets and tuples")) { try call("flatten", s("a")) }
        // Unknown scalars stay in place; an unknown sequence makes the whole result unknown.
        #expect(try call("flatten", tuple(n(1), .unknown(.number))) == tuple(n(1), .unknown(.number)))
        #expect(try call("flatten", tuple(n(1), .unknown(.list(.number)))) == .unknown(.dynamic))
    }

    @Test func index() throws {
        #expect(try call("index", tuple(s("a"), s("b")), s("b")) == n(1))
        #expect(throws: failure("item not found")) { try call("index", tuple(n(1), n(2)), s("2")) }
        #expect(throws: failure("cannot search an empty list")) { try call("index", tuple(), n(1)) }
        #expect(throws: failure("item not found")) { try call("index", tuple(s("a")), s("z")) }
        #expect(throws: failure("argument must be a list or tuple")) { try call("index", toset(tuple(s("a"))), s("a")) }
    }

    @Test func keysAndValues() throws {
        #expect(try call("keys", object(["b": n(1), "a": s("x")])) == tuple(s("a"), s("b")))
        #expect(try call("keys", tomap(object(["b": n(1), "a": n(2)]))) == list([s("a"), s("b")], .string))
        #expect(try call("keys", object([:])) == tuple())
        #expect(try call("keys", object(["é": n(1), "z": n(2), "Z": n(3)])) == tuple(s("Z"), s("z"), s("é")))
        #expect(throws: failure("must have map or object type", argument: 0)) { try call("keys", tuple(n(1))) }
        #expect(try call("keys", .unknown(.object(["b": .number, "a": .string]))) == tuple(s("a"), s("b")))
        #expect(try call("values", object(["b": n(1), "a": s("x")])) == tuple(s("x"), n(1)))
        #expect(try call("values", tomap(object(["b": n(1), "a": n(2)]))) == list([n(2), n(1)], .number))
        #expect(try call("values", object([:])) == tuple())
        #expect(throws: failure("values() requires a map as the first argument")) { try call("values", tuple(n(1))) }
    }

    @Test func lookup() throws {
        #expect(try call("lookup", object(["a": n(1), "b": s("x")]), s("a")) == n(1))
        #expect(try call("lookup", object(["a": n(1)]), s("b"), s("dflt")) == s("dflt"))
        #expect(try call("lookup", tomap(object(["a": n(1)])), s("b"), n(5)) == n(5))
        #expect(throws: failure("the default value must have the same type as the map elements", argument: 2)) {
            try call("lookup", tomap(object(["a": n(1)])), s("b"), s("x"))
        }
        #expect(throws: failure("lookup failed to find key \"b\"")) {
            try call("lookup", tomap(object(["a": n(1)])), s("b"))
        }
        #expect(throws: failure("the given object has no attribute \"b\"", argument: 0)) {
            try call("lookup", object(["a": n(1)]), s("b"))
        }
        #expect(throws: failure("lookup() requires a map as the first argument", argument: 0)) {
            try call("lookup", tuple(n(1)), s("b"))
        }
        #expect(throws: failure("lookup() takes two or three arguments, got 4")) {
            try call("lookup", object(["a": n(1)]), s("a"), n(1), n(2))
        }
    }

    @Test func matchkeys() throws {
        #expect(
            try call("matchkeys", tuple(s("a"), s("b"), s("c")), tuple(n(1), n(2), n(3)), tuple(n(2), n(3)))
                == list([s("b"), s("c")], .string))
        #expect(try call("matchkeys", tuple(s("a"), s("b")), tuple(s("x"), s("y")), tuple()) == list([], .string))
        #expect(throws: failure("length of keys and values should be equal")) {
            try call("matchkeys", tuple(s("a")), tuple(n(1), n(2)), tuple(n(1)))
        }
        #expect(
            try call("matchkeys", tuple(s("a"), s("b")), tuple(n(1), n(2)), tuple(s("1"))) == list([s("a")], .string))
    }

    @Test func merge() throws {
        #expect(try call("merge", object(["a": n(1)]), object(["b": s("x")])) == object(["a": n(1), "b": s("x")]))
        #expect(
            try call("merge", tomap(object(["a": n(1)])), tomap(object(["b": n(2)])))
                == .map(["a": n(1), "b": n(2)], .number))
        #expect(
            try call("merge", tomap(object(["a": n(1)])), tomap(object(["b": s("x")])))
                == object(["a": n(1), "b": s("x")]))
        #expect(
            try call("merge", tomap(object(["a": n(1)])), object(["b": s("x")])) == object(["a": n(1), "b": s("x")]))
        #expect(try call("merge") == object([:]))
        #expect(try call("merge", null, object(["a": n(1)])) == object(["a": n(1)]))
        #expect(throws: failure("arguments must be maps or objects, got \"string\"")) {
            try call("merge", object(["a": n(1)]), s("x"))
        }
        #expect(
            try call("merge", object(["a": n(1), "b": n(2)]), object(["a": n(3)])) == object(["a": n(3), "b": n(2)]))
    }

    @Test func one() throws {
        #expect(try call("one", tuple()) == .null(.dynamic))
        #expect(try call("one", tuple(s("a"))) == s("a"))
        #expect(try call("one", tolist(tuple())) == .null(.dynamic))
        #expect(try call("one", tolist(tuple(n(1)))) == n(1))
        #expect(try call("one", toset(tuple(s("x")))) == s("x"))
        #expect(throws: failure("must be a list, set, or tuple value with either zero or one elements", argument: 0)) {
            try call("one", tuple(n(1), n(2)))
        }
    }

    @Test func range() throws {
        func numbers(_ values: [String]) -> TypedValue { list(values.map(n), .number) }
        #expect(try call("range", n(3)) == numbers(["0", "1", "2"]))
        #expect(try call("range", n(-3)) == numbers(["0", "-1", "-2"]))
        #expect(try call("range", n(1), n(4)) == numbers(["1", "2", "3"]))
        #expect(try call("range", n(4), n(1)) == numbers(["4", "3", "2"]))
        #expect(try call("range", n(0), n(1), n("0.25")) == numbers(["0", "0.25", "0.5", "0.75"]))
        #expect(try call("range", n(0)) == numbers([]))
        #expect(try call("range", n(3), n(3), n(0)) == numbers([]))
        let thirds = try call("range", n(0), n("0.3"), n("0.1"))
        #expect(Value(thirds) == .list([.number(Number(0)), .number(Number(parsing: "0.1")!), .number(Number(parsing: "0.2")!)]))
        #expect(throws: failure("end must be less than start when step is negative", argument: 1)) {
            try call("range", n(0), n(10), n(-1))
        }
        #expect(throws: failure("end must be greater than start when step is positive", argument: 1)) {
            try call("range", n(5), n(0), n(2))
        }
        #expect(throws: failure("must have one, two, or three arguments")) { try call("range", n(1), n(2), n(3), n(4)) }
        #expect(
            throws: failure(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step")
        ) { try call("range", n(0), n(5), n(0)) }
        #expect(try call("range", n(1024)).sequenceElements?.count == 1024)
        // Steps accumulate at 512 bits, as in Terraform.
        func texts(_ value: TypedValue) -> [String] {
            (value.sequenceElements ?? []).map { if case .number(let number) = $0 { number.description } else { "" } }
        }
        func digits(_ head: String, _ filler: String, _ count: Int, _ tail: String) -> String {
            head + String(repeating: filler, count: count) + tail
        }
        #expect(
            try texts(call("range", n(0), n(1), n("0.1")))
                == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", digits("0.7", "0", 153, "6"),
                    digits("0.8", "0", 152, "1"), digits("0.9", "0", 152, "1")])
        #expect(
            try texts(call("range", n("0.5"), n(-1), n("-0.3")))
                == ["0.5", digits("0.1", "9", 154, ""), digits("-0.1", "0", 153, "3"), digits("-0.4", "0", 153, "4"),
                    digits("-0.7", "0", 153, "6")])
    }

    @Test func reverse() throws {
        #expect(try call("reverse", tuple(n(1), s("a"))) == tuple(s("a"), n(1)))
        #expect(try call("reverse", tolist(tuple(n(1), n(2)))) == list([n(2), n(1)], .number))
        #expect(try call("reverse", toset(tuple(s("b"), s("a")))) == list([s("b"), s("a")], .string))
        #expect(try call("reverse", tuple()) == tuple())
        #expect(throws: failure("can only reverse list or tuple values, not string", argument: 0)) {
            try call("reverse", s("x"))
        }
    }

    @Test func slice() throws {
        #expect(try call("slice", tuple(n(1), n(2), n(3), n(4)), n(1), n(3)) == tuple(n(2), n(3)))
        #expect(try call("slice", tolist(tuple(s("a"), s("b"), s("c"))), n(0), n(0)) == list([], .string))
        #expect(throws: failure("start index must not be greater than end index", argument: 1)) {
            try call("slice", tuple(n(1), n(2)), n(2), n(1))
        }
        #expect(throws: failure("start index must not be less than zero", argument: 1)) {
            try call("slice", tuple(n(1), n(2)), n(-1), n(1))
        }
        #expect(throws: failure("end index must not be greater than the length of the list", argument: 2)) {
            try call("slice", tuple(n(1), n(2)), n(0), n(3))
        }
        #expect(throws: failure("start index must not be greater than the length of the list", argument: 1)) {
            try call("slice", tuple(n(1), n(2)), n(3), n(3))
        }
        #expect(
            throws: failure(
                "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
                argument: 0)
        ) { try call("slice", toset(tuple(n(1))), n(0), n(1)) }
    }

    @Test func sort() throws {
        #expect(
            try call("sort", tuple(s("b"), s("a"), s("B"), s("10"), s("9")))
                == list([s("10"), s("9"), s("B"), s("a"), s("b")], .string))
        #expect(try call("sort", tuple(n(3), n(20), n(1))) == list([s("1"), s("20"), s("3")], .string))
        #expect(try call("sort", tuple()) == list([], .string))
        #expect(throws: failure("given list element 1 is null; a null string cannot be sorted")) {
            try call("sort", tuple(s("a"), null))
        }
        #expect(try call("sort", tuple(s("a"), .unknown(.string))) == .unknown(.list(.string)))
    }

    @Test func sum() throws {
        #expect(try call("sum", tuple(n(1), n("2.5"), s("3"))) == n("6.5"))
        #expect(try call("sum", toset(tuple(n(1), n(2)))) == n(3))
        #expect(try call("sum", tuple(n("0.1"), n("0.2"))) == n("0.3"))
        #expect(throws: failure("cannot sum an empty list", argument: 0)) { try call("sum", tuple()) }
        #expect(throws: failure("cannot sum noniterable", argument: 0)) { try call("sum", s("a")) }
        #expect(throws: failure("argument must be list, set, or tuple. Received object", argument: 0)) {
            try call("sum", object(["a": n(1)]))
        }
        #expect(throws: failure("cannot sum an empty list", argument: 0)) { try call("sum", object([:])) }
        #expect(throws: failure("argument must be list, set, or tuple of number values", argument: 0)) {
            try call("sum", tuple(n(1), null))
        }
        #expect(throws: failure("argument must be list, set, or tuple of number values", argument: 0)) {
            try call("sum", tuple(s("a")))
        }
    }

    @Test func transpose() throws {
        #expect(
            try call("transpose", object(["a": tuple(s("1"), s("2")), "b": tuple(s("2"), s("3"))]))
                == .map(
                    [
                        "1": list([s("a")], .string), "2": list([s("a"), s("b")], .string),
                        "3": list([s("b")], .string),
                    ], .list(.string)))
        #expect(try call("transpose", object([:])) == .map([:], .list(.string)))
        #expect(
            try call("transpose", object(["a": tuple(), "b": tuple(s("x"))]))
                == .map(["x": list([s("b")], .string)], .list(.string)))
    }

    @Test func zipmap() throws {
        #expect(try call("zipmap", tuple(s("a"), s("b")), tuple(n(1), s("x"))) == object(["a": n(1), "b": s("x")]))
        #expect(
            try call("zipmap", tuple(s("a"), s("b")), tolist(tuple(n(1), n(2))))
                == .map(["a": n(1), "b": n(2)], .number))
        #expect(try call("zipmap", tuple(s("a"), s("a")), tuple(n(1), n(2))) == object(["a": n(2)]))
        #expect(try call("zipmap", tuple(), tuple()) == object([:]))
        #expect(throws: failure("number of keys (1) does not match number of values (2)")) {
            try call("zipmap", tuple(s("a")), tuple(n(1), n(2)))
        }
        #expect(throws: failure("values argument must be a list or tuple value")) {
            try call("zipmap", tuple(s("a")), s("x"))
        }
        #expect(throws: failure("keys list has null value at index 0")) { try call("zipmap", tuple(null), tuple(n(1))) }
    }

    @Test func resultTypes() throws {
        #expect(try call("concat", tolist(tuple()), tolist(tuple(n(1)))) == list([n(1)], .number))
        #expect(throws: failure("all arguments must have the same type")) { try call("coalesce", n(1), .true) }
        #expect(try call("coalescelist", tolist(tuple()), tuple(n(1))) == tuple(n(1)))
        #expect(
            try call("matchkeys", tuple(n(1), n(2)), tuple(tuple(n(1)), tuple(n(2))), tuple(tuple(s("1"))))
                == list([n(1)], .number))
        #expect(try call("merge", tomap(object(["a": n(1)])), null) == object(["a": n(1)]))
        #expect(
            try call("merge", object(["a": n(1)]), tomap(object(["b": n(2)])), object(["c": tuple(n(1))]))
                == object(["a": n(1), "b": n(2), "c": tuple(n(1))]))
        #expect(
            try call("flatten", tuple(toset(tuple(n(1), n(2))), tolist(tuple(s("a"))))) == tuple(n(1), n(2), s("a")))
        #expect(try call("zipmap", tolist(tuple()), tolist(tuple())) == .map([:], .dynamic))
        #expect(
            try call("transpose", object(["a": tuple(n(1), .true)]))
                == .map(["1": list([s("a")], .string), "true": list([s("a")], .string)], .list(.string)))
        #expect(try call("sort", tuple(.true, .false)) == list([s("false"), s("true")], .string))
        #expect(try call("one", toset(tuple())) == .null(.dynamic))
        #expect(try call("reverse", toset(tuple(n(3), n(1), n(2)))) == list([n(3), n(2), n(1)], .number))
        #expect(
            try call("values", object(["a": tuple(n(1)), "b": tolist(tuple(n(2)))]))
                == tuple(tuple(n(1)), list([n(2)], .number)))
        #expect(try call("lookup", object(["a": n(1)]), s("b"), null) == null)
        #expect(try call("lookup", tomap(object(["a": s("x")])), s("b"), n(5)) == s("5"))
        #expect(try call("element", tuple(s("a"), n(1)), n(1)) == n(1))
        #expect(try call("distinct", tuple(s("b"), s("a"), s("b"))) == list([s("b"), s("a")], .string))
        #expect(try call("length", tomap(object([:]))) == n(0))
        #expect(try call("sum", tuple(n("1e308"), n("1e308"))) == n("2e308"))
        #expect(try call("range", n(1), n("0.2")) == list([n(1)], .number))
        #expect(try call("chunklist", tolist(tuple(s("a"))), n(5)) == list([list([s("a")], .string)], .list(.string)))
        #expect(try call("contains", tuple(tuple(n(1))), tuple(n(1))) == .true)
        #expect(try call("index", tuple(tuple(n(1)), tuple(n(2))), tuple(n(2))) == n(1))
    }
}
