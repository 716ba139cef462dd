/// Type unification (cty's `convert/unify.go`, `sort_types.go` and `compare_types.go`).
extension TypeConversion {
    /// The result of unifying types: the unified type, and whether cty gives up on it because a `dynamic` type met
    /// a collection or structural type (then every value becomes an unknown of unknown type).
    struct Unified {
        var type: ValueType
        var allDynamic: Bool = false
    }

    /// cty's `unify`: nil when no common type exists or `types` is empty.
    static func unify(_ types: [ValueType], unsafeAllowed: Bool) -> Unified? {
        guard let first = types.first else { return nil }
        // Fast path: all the same. (cty reaches the same result through the rules below.)
        if !types.contains(where: { $0 != first }), !first.isStructuralOrCollection {
            return Unified(type: first)
        }

        var maps = 0, lists = 0, sets = 0, objects = 0, tuples = 0, dynamics = 0
        for type in types {
            switch type {
            case .map: maps += 1
            case .list: lists += 1
            case .set: sets += 1
            case .object: objects += 1
            case .tuple: tuples += 1
            case .dynamic: dynamics += 1
            default: break
            }
        }
        let count = types.count
        if maps > 0 && maps + dynamics == count {
            return unifyCollections(types, unsafeAllowed: unsafeAllowed, hasDynamic: dynamics > 0) { .map($0) }
        } else if maps > 0 && maps + objects + dynamics == count {
            if let unified = unifyObjectsAsMaps(types, unsafeAllowed: unsafeAllowed), case .map = unified.type { return unified }
        } else if lists > 0 && lists + dynamics == count {
            return unifyCollections(types, unsafeAllowed: unsafeAllowed, hasDynamic: dynamics > 0) { .list($0) }
        } else if lists > 0 && lists + tuples + dynamics == count {
            if let unified = unifyTuplesAsList(types, unsafeAllowed: unsafeAllowed), case .list = unified.type { return unified }
        } else if sets > 0 && sets + dynamics == count {
            return unifyCollections(types, unsafeAllowed: unsafeAllowed, hasDynamic: dynamics > 0) { .set($0) }
        } else if objects > 0 && objects + dynamics == count {
            return unifyObjects(types, unsafeAllowed: unsafeAllowed, hasDynamic: dynamics > 0)
        } else if tuples > 0 && tuples + dynamics == count {
            return unifyTuples(types, unsafeAllowed: unsafeAllowed, hasDynamic: dynamics > 0)
        } else if objects > 0 && tuples > 0 {
            return nil
        }

        // The general case: the first type in preference order that every type converts to.
        candidates: for wanted in sortTypes(types) {
            let want = types[wanted]
            for (index, type) in types.enumerated() where index != wanted && type != want {
                if plan(from: type, to: want, unsafeAllowed: unsafeAllowed) == nil { continue candidates }
            }
            return Unified(type: want)
        }
        return nil
    }

    /// Whether every type converts to `target`.
    private static func allConvert(_ types: [ValueType], to target: ValueType, unsafeAllowed: Bool) -> Bool {
        types.allSatisfy { $0 == target || plan(from: $0, to: target, unsafeAllowed: unsafeAllowed) != nil }
    }

    private static func unifyCollections(
        _ types: [ValueType], unsafeAllowed: Bool, hasDynamic: Bool, make: (ValueType) -> ValueType
    ) -> Unified? {
        if hasDynamic { return Unified(type: .dynamic, allDynamic: true) }
        guard let element = unify(types.compactMap(\.elementType), unsafeAllowed: unsafeAllowed) else { return nil }
        let result = make(element.type)
        return allConvert(types, to: result, unsafeAllowed: unsafeAllowed) ? Unified(type: result) : nil
    }

    private static func unifyObjects(_ types: [ValueType], unsafeAllowed: Bool, hasDynamic: Bool) -> Unified? {
        if hasDynamic { return Unified(type: .dynamic, allDynamic: true) }
        let attributeSets = types.map { type -> [String: ValueType] in
            if case .object(let attributes) = type { return attributes }
            return [:]
        }
        guard let first = attributeSets.first else { return nil }
        let names = first.keys.sorted()
        for attributes in attributeSets.dropFirst() {
            if attributes.count != first.count || attributes.keys.contains(where: { first[$0] == nil }) {
                return unifyObjectsToMap(types, unsafeAllowed: unsafeAllowed)
            }
        }
        var result: [String: ValueType] = [:]
        for name in names {
            guard let unified = unify(attributeSets.compactMap { $0[name] }, unsafeAllowed: unsafeAllowed) else { return nil }
            result[name] = unified.type
        }
        let object = ValueType.object(result)
        return allConvert(types, to: object, unsafeAllowed: unsafeAllowed) ? Unified(type: object) : unifyObjectsToMap(types, unsafeAllowed: unsafeAllowed)
    }

    private static func unifyObjectsToMap(_ types: [ValueType], unsafeAllowed: Bool) -> Unified? {
        var attributeTypes: [ValueType] = []
        for case .object(let attributes) in types { attributeTypes += sortedValues(attributes) }
        guard let element = unify(attributeTypes, unsafeAllowed: unsafeAllowed) else { return nil }
        let map = ValueType.map(element.type)
        return allConvert(types, to: map, unsafeAllowed: unsafeAllowed) ? Unified(type: map) : nil
    }

    private static func unifyTuples(_ types: [ValueType], unsafeAllowed: Bool, hasDynamic: Bool) -> Unified? {
        if hasDynamic { return Unified(type: .dynamic, allDynamic: true) }
        let elementLists = types.map { type -> [ValueType] in
            if case .tuple(let elements) = type { return elements }
            return []
        }
        guard let first = elementLists.first else { return nil }
        if elementLists.contains(where: { $0.count != first.count }) {
            return unifyTuplesToList(types, unsafeAllowed: unsafeAllowed)
        }
        var result: [ValueType] = []
        for index in first.indices {
            guard let unified = unify(elementLists.map { $0[index] }, unsafeAllowed: unsafeAllowed) else { return nil }
            result.append(unified.type)
        }
        let tuple = ValueType.tuple(result)
        return allConvert(types, to: tuple, unsafeAllowed: unsafeAllowed) ? Unified(type: tuple) : unifyTuplesToList(types, unsafeAllowed: unsafeAllowed)
    }

    private static func unifyTuplesToList(_ types: [ValueType], unsafeAllowed: Bool) -> Unified? {
        var elementTypes: [ValueType] = []
        for case .tuple(let elements) in types { elementTypes += elements }
        guard let element = unify(elementTypes, unsafeAllowed: unsafeAllowed) else { return nil }
        let list = ValueType.list(element.type)
        return allConvert(types, to: list, unsafeAllowed: unsafeAllowed) ? Unified(type: list) : nil
    }

    /// cty's `unifyTuplesAsList`: the tuples unified as a list first, then everything with that list.
    private static func unifyTuplesAsList(_ types: [ValueType], unsafeAllowed: Bool) -> Unified? {
        let tuples = types.filter { if case .tuple = $0 { true } else { false } }
        guard let list = unifyTuplesToList(tuples, unsafeAllowed: unsafeAllowed), case .list = list.type else { return nil }
        let listed = types.map { type -> ValueType in
            if case .tuple = type { return list.type }
            return type
        }
        guard let unified = unify(listed, unsafeAllowed: unsafeAllowed), case .list = unified.type else { return nil }
        return unified
    }

    /// cty's `unifyObjectsAsMaps`: the objects unified as a map first, then everything with that map.
    private static func unifyObjectsAsMaps(_ types: [ValueType], unsafeAllowed: Bool) -> Unified? {
        let objects = types.filter { if case .object = $0 { true } else { false } }
        guard let map = unifyObjectsToMap(objects, unsafeAllowed: unsafeAllowed), case .map = map.type else { return nil }
        let mapped = types.map { type -> ValueType in
            if case .object = type { return map.type }
            return type
        }
        guard let unified = unify(mapped, unsafeAllowed: unsafeAllowed), case .map = unified.type else { return nil }
        return unified
    }

    /// The indices of `types`, most general first (cty's `sortTypes`: a topological sort of "more general than",
    /// keeping the given order among types that do not compare).
    static func sortTypes(_ types: [ValueType]) -> [Int] {
        let count = types.count
        var edges = [[Int]](repeating: [], count: count)
        if count > 1 {
            for i in 0..<(count - 1) {
                for j in (i + 1)..<count {
                    let comparison = compareTypes(types[i], types[j])
                    if comparison < 0 {
                        edges[i].append(j)
                    } else if comparison > 0 {
                        edges[j].append(i)
                    }
                }
            }
        }
        var inDegree = [Int](repeating: 0, count: count)
        for outs in edges { for j in outs { inDegree[j] += 1 } }
        var result: [Int] = []
        result.reserveCapacity(count)
        for (i, degree) in inDegree.enumerated() where degree == 0 { result.append(i) }
        var head = 0
        while head < result.count {
            let i = result[head]
            head += 1
            for j in edges[i] {
                inDegree[j] -= 1
                if inDegree[j] == 0 { result.append(j) }
            }
        }
        return result
    }

    /// cty's `compareTypes`: negative when `a` is preferred as the unified type, positive when `b` is, zero when
    /// they do not compare.
    static func compareTypes(_ a: ValueType, _ b: ValueType) -> Int {
        if a == .dynamic || b == .dynamic {
            if a != .dynamic { return -1 }
            if b != .dynamic { return 1 }
            return 0
        }
        if a.isPrimitive && b.isPrimitive && (a == .string || b == .string) {
            if a != .string { return 1 }
            if b != .string { return -1 }
            return 0
        }
        switch (a, b) {
        case (.list(let x), .list(let y)), (.set(let x), .set(let y)), (.map(let x), .map(let y)):
            return compareTypes(x, y)
        default:
            break
        }
        var a = a, b = b, swap = 1
        switch (a, b) {
        case (.tuple, .list), (.object, .map), (.set, .tuple), (.set, .list):
            (a, b) = (b, a)
            swap = -1
        default:
            break
        }
        switch (a, b) {
        case (.tuple, .set), (.list, .set), (.list, .tuple), (.map, .object):
            return -1 * swap
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return 0 }
            var leftSuper = false, rightSuper = false
            for (name, leftType) in left {
                guard let rightType = right[name] else { return 0 }
                let comparison = compareTypes(leftType, rightType)
                if comparison < 0 { leftSuper = true } else if comparison > 0 { rightSuper = true }
            }
            return superResult(leftSuper, rightSuper, swap)
        case (.tuple(let left), .tuple(let right)):
            guard left.count == right.count else { return 0 }
            var leftSuper = false, rightSuper = false
            for (leftType, rightType) in zip(left, right) {
                let comparison = compareTypes(leftType, rightType)
                if comparison < 0 { leftSuper = true } else if comparison > 0 { rightSuper = true }
            }
            return superResult(leftSuper, rightSuper, swap)
        default:
            return 0
        }
    }

    private static func superResult(_ leftSuper: Bool, _ rightSuper: Bool, _ swap: Int) -> Int {
        switch (leftSuper, rightSuper) {
        case (true, false): -1 * swap
        case (false, true): swap
        default: 0
        }
    }
}

extension ValueType {
    /// Whether this is a collection or structural type (not primitive, not dynamic).
    fileprivate var isStructuralOrCollection: Bool {
        switch self {
        case .list, .set, .map, .tuple, .object: true
        default: false
        }
    }
}
