extension ExpressionFunction {
    /// List and map functions.
    static let collections: [ExpressionFunction] = [
        ExpressionFunction("concat", [.list], variadic: .list, result: .list) { call throws(ExpressionError) in
            var items: [Value] = []
            for argument in call.arguments { items += try argument.list() }
            return .list(items)
        },
        ExpressionFunction("length", [.collection], result: .number) { call throws(ExpressionError) in
            switch call[0].value {
            case .list(let items): return .number(Double(items.count))
            case .map(let entries): return .number(Double(entries.count))
            case .string(let text): return .number(Double(text.count))
            default: throw call[0].typeError(.collection)
            }
        },
        ExpressionFunction("element", [.list, .number], result: .any) { call throws(ExpressionError) in
            let items = try call[0].list()
            let index = try call[1].integer()
            guard !items.isEmpty else { throw call[0].error("`element` cannot take an element of an empty list") }
            guard index >= 0 else { throw call[1].error("`element` index must not be negative, got \(index)") }
            return items[index % items.count]
        },
        ExpressionFunction("lookup", [.map, .string], optional: [.any], result: .any) { call throws(ExpressionError) in
            let entries = try call[0].map()
            let key = try call[1].string()
            if let value = entries[key] { return value }
            if call.arguments.count > 2 { return call[2].value }
            throw call[1].error("`lookup` found no key `\(key)` in the map", hint: keyHint(key, in: entries))
        },
        ExpressionFunction("merge", [], variadic: .any, result: .map) { call throws(ExpressionError) in
            var merged: [String: Value] = [:]
            for argument in call.arguments {
                switch argument.value {
                case .null: continue
                case .map(let entries): merged.merge(entries) { _, new in new }
                default: throw argument.typeError(.map)
                }
            }
            return .map(merged)
        },
        ExpressionFunction("keys", [.map], result: .list) { call throws(ExpressionError) in
            .list(try call[0].map().keys.sorted().map { .string($0) })
        },
        ExpressionFunction("values", [.map], result: .list) { call throws(ExpressionError) in
            let entries = try call[0].map()
            return .list(entries.keys.sorted().map { entries[$0] ?? .null })
        },
        ExpressionFunction("contains", [.list, .any], result: .bool) { call throws(ExpressionError) in
            .bool(try call[0].list().contains(call[1].value))
        },
        ExpressionFunction("distinct", [.list], result: .list) { call throws(ExpressionError) in
            var seen: Set<Value> = []
            return .list(try call[0].list().filter { seen.insert($0).inserted })
        },
        ExpressionFunction("flatten", [.list], result: .list) { call throws(ExpressionError) in
            var items: [Value] = []
            flatten(try call[0].list(), into: &items)
            return .list(items)
        },
        ExpressionFunction("coalesce", [.any], variadic: .any, result: .any) { call throws(ExpressionError) in
            for argument in call.arguments {
                switch argument.value {
                case .null, .string(""): continue
                default: return argument.value
                }
            }
            throw call.error("`coalesce` got no non-null, non-empty-string arguments")
        },
        ExpressionFunction("coalescelist", [.list], variadic: .list, result: .list) { call throws(ExpressionError) in
            for argument in call.arguments where !(try argument.list()).isEmpty {
                return argument.value
            }
            return .list([])
        },
        ExpressionFunction("compact", [.list], result: .list) { call throws(ExpressionError) in
            var items: [Value] = []
            for (offset, item) in try call[0].list().enumerated() {
                switch item {
                case .null, .string(""): continue
                case .string: items.append(item)
                case .number, .bool: items.append(.string(item.interpolated ?? ""))
                default:
                    throw call[0].error(
                        "`compact` expects a list of strings as argument 1, but element \(offset) is \(item.typeName)")
                }
            }
            return .list(items)
        },
        ExpressionFunction("reverse", [.list], result: .list) { call throws(ExpressionError) in
            .list(try call[0].list().reversed())
        },
        ExpressionFunction("sort", [.list], result: .list) { call throws(ExpressionError) in
            .list(try call[0].strings().sorted().map { .string($0) })
        },
        ExpressionFunction("slice", [.list, .number, .number], result: .list) { call throws(ExpressionError) in
            let items = try call[0].list()
            let start = try call[1].integer()
            let end = try call[2].integer()
            guard start >= 0, start <= items.count else {
                throw call[1].error("`slice` start index \(start) is outside the list of \(items.count) elements")
            }
            guard end >= start, end <= items.count else {
                throw call[2].error(
                    "`slice` end index \(end) must be between the start index \(start) and the list length \(items.count)"
                )
            }
            return .list(Array(items[start..<end]))
        },
        ExpressionFunction("zipmap", [.list, .list], result: .map) { call throws(ExpressionError) in
            let keys = try call[0].strings()
            let values = try call[1].list()
            guard keys.count == values.count else {
                throw call[1].error(
                    "`zipmap` got \(keys.count) keys but \(values.count) values; the lists must have the same length")
            }
            var map: [String: Value] = [:]
            for (key, value) in zip(keys, values) { map[key] = value }
            return .map(map)
        },
    ]

    static func flatten(_ items: [Value], into result: inout [Value]) {
        for item in items {
            if case .list(let inner) = item {
                flatten(inner, into: &result)
            } else {
                result.append(item)
            }
        }
    }

    /// A "did you mean" or "available keys" hint for a missing map key.
    static func keyHint(_ key: String, in entries: [String: Value]) -> String? {
        if let suggestion = Suggestions.closest(to: key, in: entries.keys) {
            return "did you mean `\(suggestion)`?"
        }
        if entries.isEmpty { return "the map is empty" }
        let keys = entries.keys.sorted()
        let shown = keys.prefix(10).map { "`\($0)`" }.joined(separator: ", ")
        return "available keys: \(shown)\(keys.count > 10 ? ", ..." : "")"
    }
}
