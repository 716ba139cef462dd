/// Messages for conversions that do not exist (cty's `convert.MismatchMessage`, as in cty 1.16).
extension TypeConversion {
    /// Why a value of type `got` does not convert to `want`, in cty's words: "number required",
    /// "attribute \"x\" is required", "incorrect list element type: string required", "element 1: bool required",
    /// "all list elements must have the same type".
    public static func mismatchMessage(got: ValueType, want: ValueType) -> String {
        switch (got, want) {
        case (.object, .object):
            return objectMismatchMessage(got: got, want: want)
        case (.tuple, .list(.dynamic)):
            return "all list elements must have the same type"
        case (.tuple, .set(.dynamic)):
            return "all set elements must have the same type"
        case (.object, .map(.dynamic)):
            return "all map elements must have the same type"
        case (.tuple, .list), (.tuple, .set), (.tuple, .map), (.object, .list), (.object, .set), (.object, .map):
            return structuralToCollectionMessage(got: got, want: want)
        case (.list, .list), (.list, .set), (.list, .map), (.set, .list), (.set, .set), (.set, .map),
             (.map, .list), (.map, .set), (.map, .map):
            return collectionToCollectionMessage(got: got, want: want)
        default:
            return "\(constraintName(want)) required"
        }
    }

    /// cty's `FriendlyNameForConstraint`: "string", "list of number", "list of any single type", "any type",
    /// "object", "tuple".
    public static func constraintName(_ type: ValueType) -> String {
        switch type {
        case .dynamic: "any type"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .list(let element): "list of \(element == .dynamic ? "any single type" : constraintName(element))"
        case .set(let element): "set of \(element == .dynamic ? "any single type" : constraintName(element))"
        case .map(let element): "map of \(element == .dynamic ? "any single type" : constraintName(element))"
        case .tuple: "tuple"
        case .object: "object"
        }
    }

    /// cty's `FriendlyName`: like `constraintName`, but `dynamic` is "dynamic" ("list of dynamic").
    public static func friendlyName(_ type: ValueType) -> String {
        switch type {
        case .dynamic: "dynamic"
        case .string: "string"
        case .number: "number"
        case .bool: "bool"
        case .list(let element): "list of \(friendlyName(element))"
        case .set(let element): "set of \(friendlyName(element))"
        case .map(let element): "map of \(friendlyName(element))"
        case .tuple: "tuple"
        case .object: "object"
        }
    }

    private static func objectMismatchMessage(got: ValueType, want: ValueType) -> String {
        guard case .object(let gotAttributes) = got, case .object(let wantAttributes) = want else {
            return "incorrect object attributes"
        }
        var missing: [String] = []
        var unsafeMismatch: String?
        var safeMismatch: String?
        for name in wantAttributes.keys.sorted() {
            guard let wantType = wantAttributes[name] else { continue }
            guard let gotType = gotAttributes[name] else {
                missing.append(name)
                continue
            }
            if gotType == wantType || unsafeMismatch != nil { continue }
            if plan(from: gotType, to: wantType, unsafeAllowed: true) == nil {
                unsafeMismatch = "attribute \(GoQuote.quote(name)): \(mismatchMessage(got: gotType, want: wantType))"
            }
            if safeMismatch != nil { continue }
            if plan(from: gotType, to: wantType, unsafeAllowed: false) == nil {
                safeMismatch = "attribute \(GoQuote.quote(name)): \(mismatchMessage(got: gotType, want: wantType))"
            }
        }
        if !missing.isEmpty {
            missing.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let quoted = missing.map(GoQuote.quote)
            switch quoted.count {
            case 1: return "attribute \(quoted[0]) is required"
            case 2: return "attributes \(quoted[0]) and \(quoted[1]) are required"
            default: return "attributes \(quoted.dropLast().joined(separator: ", ")), and \(quoted[quoted.count - 1]) are required"
            }
        }
        return unsafeMismatch ?? safeMismatch ?? "incorrect object attributes"
    }

    private static func structuralToCollectionMessage(got: ValueType, want: ValueType) -> String {
        switch (got, want) {
        case (.tuple(let elements), .list(let element)), (.tuple(let elements), .set(let element)):
            for (index, type) in elements.enumerated() where type != element {
                if plan(from: type, to: element, unsafeAllowed: true) != nil { continue }
                return "element \(index): \(mismatchMessage(got: type, want: element))"
            }
            return "all elements must be \(constraintName(element))"
        case (.object(let attributes), .map(let element)):
            for name in attributes.keys.sorted() {
                guard let type = attributes[name], type != element else { continue }
                if plan(from: type, to: element, unsafeAllowed: true) != nil { continue }
                return "element \(GoQuote.quote(name)): \(mismatchMessage(got: type, want: element))"
            }
            return "all elements must be \(constraintName(element))"
        default:
            return "\(constraintName(want)) required"
        }
    }

    private static func collectionToCollectionMessage(got: ValueType, want: ValueType) -> String {
        let noun: String
        switch (got, want) {
        case (.list, .list), (.set, .list): noun = "list element type"
        case (.list, .set), (.set, .set): noun = "set element type"
        case (.map, .map): noun = "map element type"
        default: return "\(constraintName(want)) required"
        }
        guard let gotElement = got.elementType, let wantElement = want.elementType else {
            return "\(constraintName(want)) required"
        }
        return "incorrect \(noun): \(mismatchMessage(got: gotElement, want: wantElement))"
    }
}
