/// Terraform's `==` (cty's `Value.Equals`).
extension TypedValue {
    /// Whether `a` and `b` are equal, as Terraform's `==` decides (cty's `Value.Equals`): a bool, or an unknown
    /// bool when unknown values leave it open.
    ///
    /// Values of different types are never equal (`[1] == tolist([1])` is false); nulls of any types are equal to
    /// each other and to nothing else; numbers compare by value (`1 == 1.0`); collections, tuples and objects compare
    /// element by element, in order, and the first unknown element met before a difference makes the result
    /// unknown. An unknown compared with a known value of a type it cannot have is false.
    ///
    /// Where this differs from cty: objects and maps are walked in sorted key order (cty walks a Go map, in random
    /// order, which only decides between `false` and unknown when both a difference and an unknown are present);
    /// unknowns carry no refinements (cty can prove `unknown-not-null == null` false).
    public static func equals(_ a: TypedValue, _ b: TypedValue) -> TypedValue {
        switch equality(a, b) {
        case .some(let flag): .bool(flag)
        case .none: .unknown(.bool)
        }
    }

    /// cty's `Equals` as an optional bool: nil when unknown.
    static func equality(_ a: TypedValue, _ b: TypedValue) -> Bool? {
        let aUnknown = a.isUnknown, bUnknown = b.isUnknown
        // A null against a known non-null value.
        if a.isNull && !bUnknown && !b.isNull { return false }
        if b.isNull && !aUnknown && !a.isNull { return false }

        switch (aUnknown, bUnknown) {
        case (true, true):
            return nil
        case (false, true):
            return knownAgainstUnknown(a, unknownType: b.type)
        case (true, false):
            return knownAgainstUnknown(b, unknownType: a.type)
        case (false, false):
            break
        }

        if a.isNull && b.isNull { return true }
        if a.isNull || b.isNull { return false }

        if !a.hasWhollyKnownType || !b.hasWhollyKnownType {
            let aType = a.type, bType = b.type
            if !aType.conforms(to: bType) && !bType.conforms(to: aType) { return false }
            return nil
        }

        switch (a, b) {
        case (.number(let x), .number(let y)):
            return numbersEqual(x, y)
        case (.bool(let x), .bool(let y)):
            return x == y
        case (.string(let x), .string(let y)):
            return x == y
        case (.list(let x, let xElement), .list(let y, let yElement)):
            guard xElement == yElement else { return false }
            guard x.count == y.count else { return false }
            return sequencesEqual(x, y)
        case (.tuple(let x), .tuple(let y)):
            guard x.count == y.count, a.type == b.type else { return false }
            return sequencesEqual(x, y)
        case (.set(let x, let xElement), .set(let y, let yElement)):
            guard xElement == yElement else { return false }
            return setsEqual(x, y)
        case (.map(let x, let xElement), .map(let y, let yElement)):
            guard xElement == yElement else { return false }
            guard x.count == y.count else { return false }
            for key in x.keys.sorted() {
                guard let left = x[key], let right = y[key] else { return false }
                guard let equal = equality(left, right) else { return nil }
                if !equal { return false }
            }
            return true
        case (.object(let x), .object(let y)):
            guard a.type == b.type else { return false }
            for key in x.keys.sorted() {
                guard let left = x[key], let right = y[key] else { return false }
                guard let equal = equality(left, right) else { return nil }
                if !equal { return false }
            }
            return true
        default:
            return false
        }
    }

    /// A known value against an unknown of `unknownType`.
    private static func knownAgainstUnknown(_ known: TypedValue, unknownType: ValueType) -> Bool? {
        if known.isNull { return nil }
        let knownType = known.type
        // The unknown's range cannot include a value whose type does not conform to its type.
        if !knownType.conforms(to: unknownType) { return false }
        if unknownType.hasDynamic { return nil }
        if knownType != unknownType { return false }
        return nil
    }

    private static func sequencesEqual(_ x: [TypedValue], _ y: [TypedValue]) -> Bool? {
        for (left, right) in zip(x, y) {
            guard let equal = equality(left, right) else { return nil }
            if !equal { return false }
        }
        return true
    }

    /// Two sets are equal when neither holds an unknown element and each element of one is in the other (found by
    /// its set hash and then `==`, as cty's set does).
    private static func setsEqual(_ x: [TypedValue], _ y: [TypedValue]) -> Bool? {
        if x.contains(where: \.isUnknown) || y.contains(where: \.isUnknown) { return nil }
        let xKeys = x.map { $0.setHashBytes() }
        let yKeys = y.map { $0.setHashBytes() }
        func contains(_ elements: [TypedValue], _ keys: [[UInt8]], _ element: TypedValue, _ key: [UInt8]) -> Bool {
            for (candidate, candidateKey) in zip(elements, keys) where candidateKey == key {
                if equality(candidate, element) == true { return true }
            }
            return false
        }
        var equal = true
        for (element, key) in zip(x, xKeys) where !contains(y, yKeys, element, key) { equal = false }
        for (element, key) in zip(y, yKeys) where !contains(x, xKeys, element, key) { equal = false }
        return equal
    }

    /// cty's `rawNumberEqual`: whole numbers compare exactly, others by their decimal text (so `-0 == 0`).
    static func numbersEqual(_ x: Number, _ y: Number) -> Bool {
        if x.isInfinite || y.isInfinite {
            return x.isInfinite && y.isInfinite && x.isNegative == y.isNegative
        }
        if x.isZero || y.isZero { return x.isZero && y.isZero }
        if x.isNegative != y.isNegative { return false }
        let xWhole = x.isInteger, yWhole = y.isInteger
        if xWhole != yWhole { return false }
        if xWhole { return x == y }
        return x.description == y.description
    }

    /// cty's `HasWhollyKnownType`: false when an unknown of unknown type is anywhere inside.
    var hasWhollyKnownType: Bool {
        switch self {
        case .null: true
        case .unknown(let type): !type.hasDynamic
        case .bool, .number, .string: true
        case .list(let items, _), .set(let items, _), .tuple(let items): items.allSatisfy(\.hasWhollyKnownType)
        case .map(let entries, _), .object(let entries): entries.values.allSatisfy(\.hasWhollyKnownType)
        }
    }
}

extension ValueType {
    /// cty's `TestConformance`: whether a value of this type fits `constraint`, where `dynamic` in the constraint
    /// stands for any type.
    func conforms(to constraint: ValueType) -> Bool {
        if constraint == .dynamic || self == constraint { return true }
        switch (self, constraint) {
        case (.list(let element), .list(let wanted)), (.set(let element), .set(let wanted)),
             (.map(let element), .map(let wanted)):
            return element.conforms(to: wanted)
        case (.tuple(let elements), .tuple(let wanted)):
            return elements.count == wanted.count && zip(elements, wanted).allSatisfy { $0.conforms(to: $1) }
        case (.object(let attributes), .object(let wanted)):
            guard attributes.count == wanted.count else { return false }
            for (name, type) in attributes {
                guard let wantedType = wanted[name], type.conforms(to: wantedType) else { return false }
            }
            return true
        default:
            return false
        }
    }
}
