/// Terraform's collection functions (cty's stdlib and Terraform's own, as Terraform 1.11 ships them with cty 1.16),
/// with their result types: a list or a tuple, a map or an object, as Terraform computes them.
extension FunctionLibrary {
    /// alltrue, anytrue, chunklist, coalesce, coalescelist, compact, concat, contains, distinct, element, flatten,
    /// index, keys, length, lookup, matchkeys, merge, one, range, reverse, slice, sort, sum, transpose, values, zipmap.
    static let collections: [FunctionDefinition] = [
        length, alltrue, anytrue, chunklist, coalesce, coalescelist, compact, concat, contains, distinct, element,
        flatten, index, keys, lookup, matchkeys, merge, one, range, reverse, slice, sort, sum, transpose, values,
        zipmap,
    ]

    private typealias Parameter = CheckedParameter

    // MARK: - Sizes and truth

    private static let length = CheckedFunction.make(
        "length", [Parameter("value", .dynamic, allowUnknown: true, allowDynamicType: true)], returns: .number,
        type: { arguments throws(FunctionError) in
            switch arguments[0].type {
            case .string, .tuple, .object, .list, .map, .set, .dynamic: return .number
            default: throw FunctionError(argument: 0, "argument must be a string, a collection type, or a structural type")
            }
        },
        body: { arguments, _ in
            let value = arguments[0]
            switch value.type {
            case .tuple(let elements): return .number(Number(elements.count))
            case .object(let attributes): return .number(Number(attributes.count))
            default: break
            }
            switch value {
            case .string(let text): return .number(Number(FunctionLibrary.graphemeClusters(text).count))
            case .list(let items, _), .set(let items, _): return .number(Number(items.count))
            case .map(let entries, _): return .number(Number(entries.count))
            default: return .unknown(.number)
            }
        })

    private static let alltrue = CheckedFunction.make(
        "alltrue", [Parameter("list", .list(.bool))], returns: .bool
    ) { arguments, _ in
        for item in arguments[0].sequenceElements ?? [] {
            if item.isUnknown { return .unknown(.bool) }
            if item != .true { return .false }
        }
        return .true
    }

    private static let anytrue = CheckedFunction.make(
        "anytrue", [Parameter("list", .list(.bool))], returns: .bool
    ) { arguments, _ in
        var sawUnknown = false
        for item in arguments[0].sequenceElements ?? [] {
            if item.isUnknown {
                sawUnknown = true
            } else if item == .true {
                return .true
            }
        }
        return sawUnknown ? .unknown(.bool) : .false
    }

    // MARK: - Building lists

    private static let chunklist = CheckedFunction.make(
        "chunklist", [Parameter("list", .list(.dynamic)), Parameter("size", .number)],
        type: { arguments in .list(arguments[0].type) },
        body: { arguments, _ throws(FunctionError) in
            let size = try CheckedFunction.int(arguments[1], prefix: "invalid size: ")
            if size < 0 { throw FunctionError("the size argument must be positive") }
            guard case .list(let items, let element) = arguments[0] else { return .unknown(.list(arguments[0].type)) }
            if items.isEmpty { return .list([], arguments[0].type) }
            if size == 0 { return .list([arguments[0]], arguments[0].type) }
            let chunks = stride(from: 0, to: items.count, by: size).map { start in
                TypedValue.list(Array(items[start..<min(start + size, items.count)]), element)
            }
            return .list(chunks, .list(element))
        })

    private static let coalesce = CheckedFunction.make(
        "coalesce", [],
        variadic: Parameter("vals", .dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true),
        type: { arguments throws(FunctionError) in
            guard let common = TypeConversion.unify(arguments.map(\.type)) else {
                throw FunctionError("all arguments must have the same type")
            }
            return common
        },
        body: { arguments, resultType throws(FunctionError) in
            for argument in arguments {
                let value = (try? TypeConversion.convert(argument, to: resultType)) ?? argument
                if value.isUnknown { return .unknown(resultType) }
                if value.isNull { continue }
                if resultType == .string, value == .string("") { continue }
                return value
            }
            throw FunctionError("no non-null, non-empty-string arguments")
        })

    private static let coalescelist = CheckedFunction.make(
        "coalescelist", [],
        variadic: Parameter("vals", .dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true),
        type: { arguments throws(FunctionError) in
            if arguments.isEmpty { throw FunctionError("at least one argument is required") }
            if arguments.contains(where: \.isUnknown) { return .dynamic }
            for argument in arguments {
                switch argument.type {
                case .list, .tuple: continue
                default: throw FunctionError("coalescelist arguments must be lists or tuples")
                }
            }
            let first = arguments[0].type
            return arguments.allSatisfy { $0.type == first } ? first : .dynamic
        },
        body: { arguments, resultType throws(FunctionError) in
            for argument in arguments {
                if argument.isUnknown { return .unknown(resultType) }
                if argument.isNull { continue }
                if let items = argument.sequenceElements, !items.isEmpty { return argument }
            }
            throw FunctionError("no non-null arguments")
        })

    private static let compact = CheckedFunction.make(
        "compact", [Parameter("list", .list(.string))], returns: .list(.string)
    ) { arguments, resultType in
        guard arguments[0].isWhollyKnown else { return .unknown(resultType) }
        let kept = (arguments[0].sequenceElements ?? []).filter { !$0.isNull && $0 != .string("") }
        return .list(kept, .string)
    }

    private static let concat = CheckedFunction.make(
        "concat", [], variadic: Parameter("seqs", .dynamic),
        type: { arguments throws(FunctionError) in
            guard let first = arguments.first else { throw FunctionError("at least one argument is required") }
            if case .list = first.type {
                let types = arguments.map(\.type)
                let allLists = types.allSatisfy { if case .list = $0 { true } else { false } }
                if allLists, let common = TypeConversion.unify(types) { return common }
            }
            var elementTypes: [ValueType] = []
            for (index, argument) in arguments.enumerated() {
                switch argument.type {
                case .tuple(let types):
                    elementTypes += types
                case .list(let element):
                    guard let items = argument.sequenceElements else { return .dynamic }
                    elementTypes += Array(repeating: element, count: items.count)
                default:
                    throw FunctionError(
                        argument: index, "all arguments must be lists or tuples; got \(argument.type.friendlyName)")
                }
            }
            return .tuple(elementTypes)
        },
        body: { arguments, resultType throws(FunctionError) in
            switch resultType {
            case .list(let element):
                var items: [TypedValue] = []
                for (index, argument) in arguments.enumerated() {
                    let converted = try CheckedFunction.converted(argument, to: resultType, argument: index)
                    items += converted.sequenceElements ?? []
                }
                return .list(items, element)
            case .tuple:
                return .tuple(arguments.flatMap { $0.sequenceElements ?? [] })
            default:
                return .unknown(resultType)
            }
        })

    private static let distinct = CheckedFunction.make(
        "distinct", [Parameter("list", .list(.dynamic))], type: { arguments in arguments[0].type },
        body: { arguments, resultType in
            guard arguments[0].isWhollyKnown, case .list(let items, let element) = arguments[0] else {
                return .unknown(resultType)
            }
            var kept: [TypedValue] = []
            for item in items where !kept.contains(where: { TypedValue.equals($0, item) == .true }) {
                kept.append(item)
            }
            return .list(kept, element)
        })

    private static let flatten = CheckedFunction.make(
        "flatten", [Parameter("list", .dynamic)],
        type: { arguments throws(FunctionError) in
            guard arguments[0].isWhollyKnown else { return .dynamic }
            switch arguments[0].type {
            case .list, .set, .tuple: break
            default: throw FunctionError("can only flatten lists, sets and tuples")
            }
            let (items, known) = flattened(arguments[0])
            return known ? .tuple(items.map(\.type)) : .dynamic
        },
        body: { arguments, resultType in
            if arguments[0].sequenceElements?.isEmpty == true { return .tuple([]) }
            let (items, known) = flattened(arguments[0])
            return known ? .tuple(items) : .unknown(resultType)
        })

    /// cty's flattener: the elements of nested lists, sets and tuples in order, and whether all were known.
    private static func flattened(_ value: TypedValue) -> ([TypedValue], Bool) {
        guard let items = value.sequenceElements else { return ([], false) }
        var result: [TypedValue] = []
        var known = true
        for item in items {
            if item == .unknown(.dynamic) { known = false }
            switch item.type {
            case .list, .set, .tuple:
                if item.isNull {
                    result.append(item)
                    continue
                }
                if item.isUnknown {
                    known = false
                    continue
                }
                let (inner, innerKnown) = flattened(item)
                if innerKnown { result += inner } else { known = false }
            default:
                result.append(item)
            }
        }
        return (result, known)
    }

    private static let range = CheckedFunction.make(
        "range", [], variadic: Parameter("params", .number), returns: .list(.number)
    ) { arguments, _ throws(FunctionError) in
        let numbers = arguments.map { argument -> Number in
            if case .number(let number) = argument { return number }
            return .zero
        }
        let start: Number
        let end: Number
        let step: Number
        switch numbers.count {
        case 1: (start, end, step) = (.zero, numbers[0], numbers[0] < .zero ? -Number.one : .one)
        case 2: (start, end, step) = (numbers[0], numbers[1], numbers[1] < numbers[0] ? -Number.one : .one)
        case 3: (start, end, step) = (numbers[0], numbers[1], numbers[2])
        default: throw FunctionError("must have one, two, or three arguments")
        }
        // cty 1.16 compares the step with zero by identity, so a zero step never fails here: it either yields
        // nothing (start == end) or runs into the 1024-value limit.
        let down = step < .zero
        if down, end > start {
            throw FunctionError(argument: 1, "end must be less than start when step is negative")
        }
        if !down, end < start {
            throw FunctionError(argument: 1, "end must be greater than start when step is positive")
        }
        var values: [TypedValue] = []
        var current = start
        while down ? current > end : current < end {
            if values.count >= 1024 {
                throw FunctionError(
                    "more than 1024 values were generated; either decrease the difference between start and end "
                        + "or use a smaller step")
            }
            values.append(.number(current))
            guard let next = current + step else { throw FunctionError("can't compute sum of opposing infinities") }
            current = next
        }
        return .list(values, .number)
    }

    private static let reverse = CheckedFunction.make(
        "reverse", [Parameter("list", .dynamic)],
        type: { arguments throws(FunctionError) in
            switch arguments[0].type {
            case .tuple(let types): return .tuple(types.reversed())
            case .list(let element), .set(let element): return .list(element)
            default:
                throw FunctionError(
                    argument: 0, "can only reverse list or tuple values, not \(arguments[0].type.friendlyName)")
            }
        },
        body: { arguments, resultType in
            let reversed = Array((arguments[0].sequenceElements ?? []).reversed())
            if case .list(let element) = resultType { return .list(reversed, element) }
            return .tuple(reversed)
        })

    // MARK: - Reading elements

    private static let element = CheckedFunction.make(
        "element", [Parameter("list", .dynamic), Parameter("index", .number)],
        type: { arguments throws(FunctionError) in
            switch arguments[0].type {
            case .list(let element):
                return element
            case .tuple(let types):
                if arguments[1].isUnknown { return .dynamic }
                let index = try CheckedFunction.int(arguments[1], prefix: "invalid index: ")
                if types.isEmpty { throw FunctionError("cannot use element function with an empty list") }
                // cty 1.16 does not wrap a negative index into a tuple's range: Go panics on the slice index.
                let wrapped = index % types.count
                if wrapped < 0 {
                    throw FunctionError("panic in function implementation: runtime error: index out of range [\(wrapped)]")
                }
                return types[wrapped]
            default:
                throw FunctionError("cannot read elements from \(arguments[0].type.friendlyName)")
            }
        },
        body: { arguments, resultType throws(FunctionError) in
            let index = try CheckedFunction.int(arguments[1], prefix: "invalid index: ")
            let items = arguments[0].sequenceElements ?? []
            if items.isEmpty { throw FunctionError("cannot use element function with an empty list") }
            var wrapped = index % items.count
            if wrapped < 0 { wrapped += items.count }
            return items[wrapped]
        })

    private static let index = CheckedFunction.make(
        "index", [Parameter("list", .dynamic), Parameter("value", .dynamic)], returns: .number
    ) { arguments, _ throws(FunctionError) in
        switch arguments[0].type {
        case .list, .tuple: break
        default: throw FunctionError("argument must be a list or tuple")
        }
        let items = arguments[0].sequenceElements ?? []
        if items.isEmpty { throw FunctionError("cannot search an empty list") }
        for (position, item) in items.enumerated() {
            let equal = TypedValue.equals(item, arguments[1])
            if equal.isUnknown { return .unknown(.number) }
            if equal == .true { return .number(Number(position)) }
        }
        throw FunctionError("item not found")
    }

    private static let contains = CheckedFunction.make(
        "contains", [Parameter("list", .dynamic), Parameter("value", .dynamic)], returns: .bool
    ) { arguments, _ throws(FunctionError) in
        switch arguments[0].type {
        case .list, .tuple, .set: break
        default: throw FunctionError("argument must be list, tuple, or set")
        }
        let items = arguments[0].sequenceElements ?? []
        if items.isEmpty { return .false }
        var sawUnknown = false
        for item in items {
            let equal = TypedValue.equals(arguments[1], item)
            if equal.isUnknown {
                sawUnknown = true
            } else if equal == .true {
                return .true
            }
        }
        return sawUnknown ? .unknown(.bool) : .false
    }

    private static let one = CheckedFunction.make(
        "one", [Parameter("list", .dynamic)],
        type: { arguments throws(FunctionError) in
            switch arguments[0].type {
            case .list(let element), .set(let element): return element
            case .tuple(let types) where types.isEmpty: return .dynamic
            case .tuple(let types) where types.count == 1: return types[0]
            default: throw oneError
            }
        },
        body: { arguments, resultType throws(FunctionError) in
            let items = arguments[0].sequenceElements ?? []
            switch items.count {
            case 0: return .null(resultType)
            case 1: return items[0]
            default: throw oneError
            }
        })

    private static let oneError = FunctionError(
        argument: 0, "must be a list, set, or tuple value with either zero or one elements")

    private static let slice = CheckedFunction.make(
        "slice", [Parameter("list", .dynamic), Parameter("start_index", .number), Parameter("end_index", .number)],
        type: { arguments throws(FunctionError) in
            let listType = arguments[0].type
            switch listType {
            case .set:
                throw FunctionError(
                    argument: 0,
                    "cannot slice a set, because its elements do not have indices; explicitly convert to a list if "
                        + "the ordering of the result is not important")
            case .list, .tuple: break
            default: throw FunctionError(argument: 0, "must be a list or tuple value")
            }
            let bounds = try sliceBounds(arguments)
            switch listType {
            case .list: return listType
            case .tuple(let types):
                guard let bounds else { return .dynamic }
                return .tuple(Array(types[bounds]))
            default: return .dynamic
            }
        },
        body: { arguments, resultType throws(FunctionError) in
            if resultType == .dynamic { return .unknown(.dynamic) }
            guard let bounds = try sliceBounds(arguments) else { return .unknown(resultType) }
            let items = Array((arguments[0].sequenceElements ?? [])[bounds])
            if case .list(let element) = resultType { return .list(items, element) }
            return .tuple(items)
        })

    /// cty's sliceIndexes: the checked range, or nil while an index is unknown.
    private static func sliceBounds(_ arguments: [TypedValue]) throws(FunctionError) -> Swift.Range<Int>? {
        var length: Int?
        if case .tuple(let types) = arguments[0].type {
            length = types.count
        } else {
            length = arguments[0].sequenceElements?.count
        }
        var start: Int?
        var end: Int?
        if !arguments[1].isUnknown {
            let index = try CheckedFunction.int(arguments[1], argument: 1, prefix: "invalid start index: ")
            if index < 0 { throw FunctionError(argument: 1, "start index must not be less than zero") }
            if let length, index > length {
                throw FunctionError(argument: 1, "start index must not be greater than the length of the list")
            }
            start = index
        }
        if !arguments[2].isUnknown {
            let index = try CheckedFunction.int(arguments[2], argument: 2, prefix: "invalid end index: ")
            if index < 0 { throw FunctionError(argument: 2, "end index must not be less than zero") }
            if let length, index > length {
                throw FunctionError(argument: 2, "end index must not be greater than the length of the list")
            }
            end = index
        }
        guard let start, let end else { return nil }
        if start > end { throw FunctionError(argument: 1, "start index must not be greater than end index") }
        return start..<end
    }

    private static let sort = CheckedFunction.make(
        "sort", [Parameter("list", .list(.string), allowUnknown: true)], returns: .list(.string)
    ) { arguments, resultType throws(FunctionError) in
        guard arguments[0].isWhollyKnown else { return .unknown(resultType) }
        var texts: [String] = []
        for (position, item) in (arguments[0].sequenceElements ?? []).enumerated() {
            guard case .string(let text) = item else {
                throw FunctionError("given list element \(position) is null; a null string cannot be sorted")
            }
            texts.append(text)
        }
        return .list(texts.sorted(by: CheckedFunction.precedes).map(TypedValue.string), .string)
    }

    private static let sum = CheckedFunction.make(
        "sum", [Parameter("list", .dynamic)], returns: .number
    ) { arguments, _ throws(FunctionError) in
        let list = arguments[0]
        let items: [TypedValue]
        switch list {
        case .list(let elements, _), .set(let elements, _), .tuple(let elements): items = elements
        case .map(let entries, _), .object(let entries): items = Array(entries.values)
        default: throw FunctionError(argument: 0, "cannot sum noniterable")
        }
        if items.isEmpty { throw FunctionError(argument: 0, "cannot sum an empty list") }
        switch list.type {
        case .list, .set, .tuple: break
        default:
            throw FunctionError(
                argument: 0, "argument must be list, set, or tuple. Received \(list.type.friendlyName)")
        }
        if !list.isWhollyKnown { return .unknown(.number) }
        let notNumbers = FunctionError(argument: 0, "argument must be list, set, or tuple of number values")
        var total: Number?
        for item in items {
            guard !item.isNull, case .number(let number) = try? TypeConversion.convert(item, to: .number) else {
                throw notNumbers
            }
            guard let sum = total else {
                total = number
                continue
            }
            guard let next = sum + number else { throw FunctionError("can't compute sum of opposing infinities") }
            total = next
        }
        return .number(total ?? .zero)
    }

    // MARK: - Maps and objects

    private static let keys = CheckedFunction.make(
        "keys", [Parameter("inputMap", .dynamic, allowUnknown: true)],
        type: { arguments throws(FunctionError) in
            switch arguments[0].type {
            case .map: return .list(.string)
            case .object(let attributes): return .tuple(Array(repeating: .string, count: attributes.count))
            default: throw FunctionError(argument: 0, "must have map or object type")
            }
        },
        body: { arguments, resultType in
            if case .object(let attributes) = arguments[0].type {
                return .tuple(attributes.keys.sorted(by: CheckedFunction.precedes).map(TypedValue.string))
            }
            guard let entries = arguments[0].mapEntries else { return .unknown(resultType) }
            return .list(entries.keys.sorted(by: CheckedFunction.precedes).map(TypedValue.string), .string)
        })

    private static let values = CheckedFunction.make(
        "values", [Parameter("mapping", .dynamic)],
        type: { arguments throws(FunctionError) in
            switch arguments[0].type {
            case .map(let element):
                return .list(element)
            case .object(let attributes):
                return .tuple(attributes.keys.sorted(by: CheckedFunction.precedes).map { attributes[$0] ?? .dynamic })
            default:
                throw FunctionError("values() requires a map as the first argument")
            }
        },
        body: { arguments, resultType in
            let entries = arguments[0].mapEntries ?? [:]
            let items = entries.keys.sorted(by: CheckedFunction.precedes).compactMap { entries[$0] }
            if case .list(let element) = resultType { return .list(items, element) }
            return .tuple(items)
        })

    private static let lookup = CheckedFunction.make(
        "lookup",
        [Parameter("inputMap", .dynamic, allowUnknown: true), Parameter("key", .string, allowUnknown: true)],
        variadic: Parameter("default", .dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true),
        type: { arguments throws(FunctionError) in
            if arguments.count > 3 {
                throw FunctionError("lookup() takes two or three arguments, got \(arguments.count)")
            }
            switch arguments[0].type {
            case .object(let attributes):
                guard case .string(let key) = arguments[1] else { return .dynamic }
                if let type = attributes[key] { return type }
                if arguments.count == 3 { return arguments[2].type }
                throw FunctionError(
                    argument: 0, "the given object has no attribute \(GoQuote.quote(key))")
            case .map(let element):
                if arguments.count == 3 {
                    do {
                        _ = try TypeConversion.convert(arguments[2], to: element)
                    } catch {
                        throw FunctionError(
                            argument: 2, "the default value must have the same type as the map elements")
                    }
                }
                return element
            default:
                throw FunctionError(argument: 0, "lookup() requires a map as the first argument")
            }
        },
        body: { arguments, resultType throws(FunctionError) in
            guard let entries = arguments[0].mapEntries, case .string(let key) = arguments[1] else {
                return .unknown(resultType)
            }
            if let found = entries[key] { return found }
            guard arguments.count == 3 else {
                throw FunctionError("lookup failed to find key \(GoQuote.quote(key))")
            }
            do {
                return try TypeConversion.convert(arguments[2], to: resultType)
            } catch {
                throw FunctionError(CheckedFunction.message(error))
            }
        })

    private static let matchkeys = CheckedFunction.make(
        "matchkeys",
        [Parameter("values", .list(.dynamic)), Parameter("keys", .list(.dynamic)),
         Parameter("searchset", .list(.dynamic))],
        type: { arguments throws(FunctionError) in
            guard TypeConversion.unify([arguments[1].type, arguments[2].type]) != nil else {
                throw FunctionError("keys and searchset must be of the same type")
            }
            return arguments[0].type
        },
        body: { arguments, resultType throws(FunctionError) in
            let element = resultType.elementType ?? .dynamic
            let values = arguments[0].sequenceElements ?? []
            if values.count != (arguments[1].sequenceElements ?? []).count {
                throw FunctionError("length of keys and values should be equal")
            }
            let common = TypeConversion.unify([arguments[1].type, arguments[2].type]) ?? .dynamic
            let keys = (try? TypeConversion.convert(arguments[1], to: common)) ?? arguments[1]
            let searchset = ((try? TypeConversion.convert(arguments[2], to: common)) ?? arguments[2])
                .sequenceElements ?? []
            if searchset.isEmpty { return .list([], element) }
            if !arguments[0].isWhollyKnown || !keys.isWhollyKnown { return .unknown(resultType) }
            var matched: [TypedValue] = []
            for (position, key) in (keys.sequenceElements ?? []).enumerated() {
                for candidate in searchset {
                    let equal = TypedValue.equals(key, candidate)
                    if equal.isUnknown { return .list([], element) }
                    if equal == .true {
                        matched.append(values[position])
                        break
                    }
                }
            }
            return .list(matched, element)
        })

    private static let merge = CheckedFunction.make(
        "merge", [], variadic: Parameter("maps", .dynamic, allowNull: true, allowDynamicType: true),
        type: { arguments throws(FunctionError) in
            guard let firstArgument = arguments.first else { return .object([:]) }
            var attributes: [String: ValueType] = [:]
            var matching = true
            var attributesKnown = true
            for argument in arguments {
                let type = argument.type
                if type == .dynamic { return .dynamic }
                switch type {
                case .object(let types):
                    if !argument.isNull { attributes.merge(types) { _, new in new } }
                case .map(let element):
                    if argument.isNull { break }
                    if let entries = argument.mapEntries {
                        for key in entries.keys { attributes[key] = element }
                    } else {
                        attributesKnown = false
                    }
                default:
                    throw FunctionError(
                        "arguments must be maps or objects, got \(GoQuote.quote(type.friendlyName))")
                }
                if type != firstArgument.type { matching = false }
            }
            if matching { return firstArgument.type }
            if !attributesKnown { return .dynamic }
            return .object(attributes)
        },
        body: { arguments, resultType in
            var merged: [String: TypedValue] = [:]
            for argument in arguments where !argument.isNull {
                merged.merge(argument.mapEntries ?? [:]) { _, new in new }
            }
            if case .map(let element) = resultType { return .map(merged, element) }
            return .object(merged)
        })

    private static let transpose = CheckedFunction.make(
        "transpose", [Parameter("values", .map(.list(.string)))], returns: .map(.list(.string))
    ) { arguments, resultType throws(FunctionError) in
        guard arguments[0].isWhollyKnown, let entries = arguments[0].mapEntries else { return .unknown(resultType) }
        var swapped: [String: [String]] = [:]
        for key in entries.keys.sorted(by: CheckedFunction.precedes) {
            guard let list = entries[key], !list.isNull else {
                throw FunctionError("input must not contain null list")
            }
            for item in list.sequenceElements ?? [] {
                guard case .string(let text) = item else {
                    throw FunctionError("input list must not contain null string")
                }
                swapped[text, default: []].append(key)
            }
        }
        return .map(
            swapped.mapValues { keys in
                .list(keys.sorted(by: CheckedFunction.precedes).map(TypedValue.string), .string)
            }, .list(.string))
    }

    private static let zipmap = CheckedFunction.make(
        "zipmap", [Parameter("keys", .list(.string)), Parameter("values", .dynamic)],
        type: { arguments throws(FunctionError) in
            switch arguments[1].type {
            case .list(let element):
                return .map(element)
            case .tuple(let types):
                guard arguments[0].isWhollyKnown else { return .dynamic }
                let keys = arguments[0].sequenceElements ?? []
                if keys.count != types.count {
                    throw FunctionError(
                        "number of keys (\(keys.count)) does not match number of values (\(types.count))")
                }
                var attributes: [String: ValueType] = [:]
                for (position, key) in keys.enumerated() {
                    guard case .string(let name) = key else {
                        throw FunctionError("keys list has null value at index \(position)")
                    }
                    attributes[name] = types[position]
                }
                return .object(attributes)
            default:
                throw FunctionError("values argument must be a list or tuple value")
            }
        },
        body: { arguments, resultType throws(FunctionError) in
            guard arguments[0].isWhollyKnown else { return .unknown(resultType) }
            let keys = arguments[0].sequenceElements ?? []
            let values = arguments[1].sequenceElements ?? []
            if keys.count != values.count {
                throw FunctionError("number of keys (\(keys.count)) does not match number of values (\(values.count))")
            }
            var result: [String: TypedValue] = [:]
            for (position, key) in keys.enumerated() {
                guard case .string(let name) = key else {
                    throw FunctionError("keys list has null value at index \(position)")
                }
                result[name] = values[position]
            }
            if case .map(let element) = resultType { return .map(result, element) }
            return .object(result)
        })
}
