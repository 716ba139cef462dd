/// Building set values the way cty's sets store and order their elements (cty's `set_internals.go` and `set`).
extension TypedValue {
    /// A set of `elements` (each of `elementType`, or null or unknown of it): duplicates removed and the rest in
    /// Terraform's set order.
    ///
    /// As cty does it:
    /// - Elements are bucketed by their set hash bytes (see `setHashBytes()`); an element equal (`==` is true) to an
    ///   earlier one in its bucket is dropped. So unknown elements are all kept, and `0` and `-0` (different hash
    ///   bytes) both stay, as in Terraform (`toset([0, -0])` is `[-0, 0]`).
    /// - The elements are first laid out by bucket (ascending CRC-32 of the hash bytes), in insertion order inside
    ///   a bucket, then stably sorted: known non-null before unknown before null; strings by their UTF-8 bytes,
    ///   numbers by value, `false` before `true`; any other type by its hash bytes, bytewise (`[[10],[1],[2]]`).
    ///
    /// Where this differs from cty: the printable-character test in string hash bytes uses this Swift runtime's
    /// Unicode tables rather than Go's; strings are compared as given (cty NFC-normalizes every string first).
    public static func set(_ elements: [TypedValue], of elementType: ValueType) -> TypedValue {
        if elements.count <= 1 { return .set(elements, elementType) }
        // Buckets by hash bytes, each holding its distinct elements in insertion order.
        var bucketIndex: [[UInt8]: Int] = [:]
        var buckets: [(hash: UInt32, key: [UInt8], elements: [TypedValue])] = []
        for element in elements {
            let key = element.setHashBytes()
            if let index = bucketIndex[key] {
                if buckets[index].elements.contains(where: { equality($0, element) == true }) { continue }
                buckets[index].elements.append(element)
            } else {
                bucketIndex[key] = buckets.count
                buckets.append((CRC32.checksum(key), key, [element]))
            }
        }
        // Go sorts the buckets by their integer hash; equal hashes of different bytes (a CRC collision) share one
        // bucket there, which only matters for elements the sort below cannot order.
        let laidOut = buckets.enumerated().sorted { left, right in
            left.element.hash != right.element.hash ? left.element.hash < right.element.hash : left.offset < right.offset
        }
        var ordered: [(key: [UInt8], element: TypedValue)] = []
        ordered.reserveCapacity(elements.count)
        for (_, bucket) in laidOut {
            for element in bucket.elements { ordered.append((bucket.key, element)) }
        }
        // Stable sort by cty's `setRules.Less`.
        let sorted = ordered.enumerated().sorted { left, right in
            if setLess(left.element, right.element, elementType: elementType) { return true }
            if setLess(right.element, left.element, elementType: elementType) { return false }
            return left.offset < right.offset
        }
        return .set(sorted.map(\.element.element), elementType)
    }

    /// cty's `setRules.Less` between two elements with their hash bytes.
    private static func setLess(
        _ left: (key: [UInt8], element: TypedValue), _ right: (key: [UInt8], element: TypedValue), elementType: ValueType
    ) -> Bool {
        let a = left.element, b = right.element
        // cty first checks RawEquals; equal values are never less. Distinct elements of a set are never raw-equal
        // except unknowns and the -0/0 pair, which the rules below leave unordered anyway.
        if b.isNull && !a.isNull { return true }
        if a.isNull { return false }
        if !a.isUnknown && b.isUnknown { return true }
        if a.isUnknown { return false }
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        case (.number(let x), .number(let y)):
            return x < y
        case (.bool(let x), .bool(let y)):
            return !x && y
        default:
            return left.key.lexicographicallyPrecedes(right.key)
        }
    }

    /// The bytes cty hashes a set element by (`makeSetHashBytes`); also the order of set elements that are not
    /// strings, numbers or bools. Unknown is `?`, null `~`, a number its `%.10g` text (`+Inf`/`-Inf`), a bool `T`
    /// or `F`, a string Go-quoted, a list or set `[e;e;]`, a map `{"k":v;}` by sorted key, an object `<v;v;>` by
    /// sorted attribute name, a tuple `<e;e;>`.
    func setHashBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        appendSetHashBytes(to: &bytes)
        return bytes
    }

    private func appendSetHashBytes(to bytes: inout [UInt8]) {
        switch self {
        case .unknown:
            bytes.append(UInt8(ascii: "?"))
        case .null:
            bytes.append(UInt8(ascii: "~"))
        case .number(let number):
            if number.isInfinite {
                bytes.append(contentsOf: (number.isNegative ? "-Inf" : "+Inf").utf8)
            } else {
                bytes.append(contentsOf: number.text("g", precision: 10).utf8)
            }
        case .bool(let flag):
            bytes.append(UInt8(ascii: flag ? "T" : "F"))
        case .string(let text):
            GoQuote.append(text, to: &bytes)
        case .list(let items, _), .set(let items, _):
            bytes.append(UInt8(ascii: "["))
            for item in items {
                item.appendSetHashBytes(to: &bytes)
                bytes.append(UInt8(ascii: ";"))
            }
            bytes.append(UInt8(ascii: "]"))
        case .map(let entries, _):
            bytes.append(UInt8(ascii: "{"))
            for key in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                GoQuote.append(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                entries[key]?.appendSetHashBytes(to: &bytes)
                bytes.append(UInt8(ascii: ";"))
            }
            bytes.append(UInt8(ascii: "}"))
        case .object(let attributes):
            bytes.append(UInt8(ascii: "<"))
            for name in attributes.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                attributes[name]?.appendSetHashBytes(to: &bytes)
                bytes.append(UInt8(ascii: ";"))
            }
            bytes.append(UInt8(ascii: ">"))
        case .tuple(let items):
            bytes.append(UInt8(ascii: "<"))
            for item in items {
                item.appendSetHashBytes(to: &bytes)
                bytes.append(UInt8(ascii: ";"))
            }
            bytes.append(UInt8(ascii: ">"))
        }
    }
}
