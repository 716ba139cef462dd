/// Terraform's type conversions and type unification (cty's `convert` package, as Terraform 1.11 ships it).
///
/// `convert(_:to:)` is cty's `convert.Convert`: it applies safe and unsafe conversions, as HCL does for function
/// arguments, and Terraform for `tolist`, `tomap`, `toset`, `tostring`, `tonumber`, `tobool` and variable types:
/// - number and bool to string (numbers as `Number.description`); string to number (`Number(parsing:)`) and to
///   bool (`"true"`, `"1"`, `"false"`, `"0"`);
/// - tuple to list or set, object to map, list to set and back, map to object, tuple to tuple and object to object
///   (dropping extra attributes), each element converted in turn;
/// - to `list(dynamic)`, `set(dynamic)` and `map(dynamic)` the elements are first unified to one type:
///   `tolist([1, "a"])` is a `list(string)` `["1", "a"]`;
/// - a null or unknown value becomes a null or unknown of the target type; to `dynamic` a value stays as it is.
///
/// `unify(_:)` is cty's `convert.UnifyUnsafe`: the most general type that all the given types convert to (what
/// HCL uses for the two results of a conditional and for collection elements).
///
/// Where this differs from cty: attributes of an object are visited in sorted name order wherever cty walks a Go map
/// (cty's order is random there, which only matters for which of several errors is reported); an unknown set with
/// unknown elements converted to a list is an unknown list of the target element type (cty keeps the source
/// element type); unknown values carry no refinements.
public enum TypeConversion {
    /// Converts `value` to `type` with safe and unsafe conversions (cty's `convert.Convert`).
    ///
    /// Throws when no conversion exists between the types (with cty's mismatch message, e.g. "number required",
    /// "attribute \"x\" is required") or when the value does not convert (e.g. "a number is required" for
    /// `"abc"` to number).
    public static func convert(_ value: TypedValue, to type: ValueType) throws(ConversionError) -> TypedValue {
        try convert(value, to: type, unsafeAllowed: true)
    }

    /// Converts with only safe conversions when `unsafeAllowed` is false (cty's `GetConversion` rather than
    /// `GetConversionUnsafe`).
    static func convert(_ value: TypedValue, to type: ValueType, unsafeAllowed: Bool) throws(ConversionError) -> TypedValue {
        let from = value.type
        if from == type { return value }
        guard let plan = plan(from: from, to: type, unsafeAllowed: unsafeAllowed) else {
            throw ConversionError(message: mismatchMessage(got: from, want: type))
        }
        return try apply(plan, to: value, target: type, path: [])
    }

    /// Whether a conversion from `from` to `to` exists at all (it may still fail for some values, e.g. string to
    /// number); with `unsafe` false only the conversions that never fail count.
    public static func canConvert(from: ValueType, to: ValueType, unsafe unsafeAllowed: Bool = true) -> Bool {
        from == to || plan(from: from, to: to, unsafeAllowed: unsafeAllowed) != nil
    }

    /// The most general type that every one of `types` converts to (cty's `convert.UnifyUnsafe`), or nil when
    /// there is none (and for an empty list).
    ///
    /// The result is `dynamic` when a `dynamic` type meets a collection or structural type; cty then makes every
    /// value an unknown of unknown type, which `unifyValues(_:)` does too.
    public static func unify(_ types: [ValueType]) -> ValueType? {
        unify(types, unsafeAllowed: true)?.type
    }

    /// Unifies the types of `values` and converts the values to the unified type, as HCL does with the results of
    /// a conditional (`cond ? a : b`: `unifyValues([a, b], convertingOnly: cond ? 0 : 1)`) and of collection
    /// elements. Nil when the types do not unify; throws when a value fails its conversion.
    ///
    /// With `index`, only that value is converted (HCL converts only the chosen result of a conditional) and the
    /// others are returned as they are. When a `dynamic` type meets a collection or structural type, cty gives up:
    /// the type is `dynamic` and every value becomes an unknown of unknown type.
    public static func unifyValues(
        _ values: [TypedValue], convertingOnly index: Int? = nil
    ) throws(ConversionError) -> (type: ValueType, values: [TypedValue])? {
        guard let unified = unify(values.map(\.type), unsafeAllowed: true) else { return nil }
        if unified.allDynamic {
            return (.dynamic, values.map { _ in TypedValue.unknown(.dynamic) })
        }
        var converted: [TypedValue] = []
        converted.reserveCapacity(values.count)
        for (position, value) in values.enumerated() {
            if let index, index != position {
                converted.append(value)
            } else {
                converted.append(try convert(value, to: unified.type, unsafeAllowed: true))
            }
        }
        return (unified.type, converted)
    }

    // MARK: - Conversion plans

    /// How a value of one type becomes a value of another (cty's `conversion` closures, as data).
    indirect enum Plan {
        /// No conversion: the types are equal.
        case identity
        /// To `dynamic`: the value passes unchanged.
        case passthrough
        /// From `dynamic`: the value is converted once its real type is seen.
        case fromDynamic
        /// Between primitive types.
        case primitive(from: ValueType, to: ValueType)
        /// Object to object: the target's attributes, each with its type and its conversion.
        case objectToObject([String: (type: ValueType, plan: Plan)])
        /// Tuple to tuple, element by element.
        case tupleToTuple([(type: ValueType, plan: Plan)])
        /// List or set to list.
        case collectionToList(element: ValueType, plan: Plan)
        /// List or set to set.
        case collectionToSet(element: ValueType, plan: Plan)
        /// Map to map.
        case collectionToMap(element: ValueType, plan: Plan)
        /// Tuple to list: the (possibly unified) element type and one conversion per tuple element.
        case tupleToList(element: ValueType, plans: [Plan])
        /// Tuple to set.
        case tupleToSet(element: ValueType, plans: [Plan])
        /// Object to map: the element type and one conversion per attribute.
        case objectToMap(element: ValueType, plans: [String: Plan])
        /// Map to object: the target's attributes, each with its type and the conversion of the map's element.
        case mapToObject([String: (type: ValueType, plan: Plan)])
    }

    /// The conversion from `from` to `to`, or nil when there is none (cty's `getConversion`).
    static func plan(from: ValueType, to: ValueType, unsafeAllowed: Bool) -> Plan? {
        if from == to { return .identity }
        switch (from, to) {
        case (_, .dynamic):
            return .passthrough
        case (.dynamic, _):
            return unsafeAllowed ? .fromDynamic : nil
        case (.number, .string), (.bool, .string):
            return .primitive(from: from, to: to)
        case (.string, .number), (.string, .bool):
            return unsafeAllowed ? .primitive(from: from, to: to) : nil
        case (.number, .bool), (.bool, .number):
            return nil
        case (.object(let inAttributes), .object(let outAttributes)):
            var attributes: [String: (type: ValueType, plan: Plan)] = [:]
            for (name, outType) in outAttributes {
                guard let inType = inAttributes[name], let plan = plan(from: inType, to: outType, unsafeAllowed: unsafeAllowed) else {
                    return nil
                }
                attributes[name] = (outType, plan)
            }
            return .objectToObject(attributes)
        case (.tuple(let inElements), .tuple(let outElements)):
            guard inElements.count == outElements.count else { return nil }
            var plans: [(type: ValueType, plan: Plan)] = []
            for (inType, outType) in zip(inElements, outElements) {
                guard let plan = plan(from: inType, to: outType, unsafeAllowed: unsafeAllowed) else { return nil }
                plans.append((outType, plan))
            }
            return .tupleToTuple(plans)
        case (.list(let inElement), .list(let outElement)), (.set(let inElement), .list(let outElement)):
            guard let plan = plan(from: inElement, to: outElement, unsafeAllowed: unsafeAllowed) else { return nil }
            return .collectionToList(element: outElement, plan: plan)
        case (.list(let inElement), .set(let outElement)), (.set(let inElement), .set(let outElement)):
            if case .list = from, !unsafeAllowed { return nil }
            guard let plan = plan(from: inElement, to: outElement, unsafeAllowed: unsafeAllowed) else { return nil }
            return .collectionToSet(element: outElement, plan: plan)
        case (.map(let inElement), .map(let outElement)):
            guard let plan = plan(from: inElement, to: outElement, unsafeAllowed: unsafeAllowed) else { return nil }
            return .collectionToMap(element: outElement, plan: plan)
        case (.tuple(let elements), .list(let element)):
            guard let (element, plans) = sequencePlans(elements, to: element, unsafeAllowed: unsafeAllowed) else { return nil }
            return .tupleToList(element: element, plans: plans)
        case (.tuple(let elements), .set(let element)):
            guard let (element, plans) = sequencePlans(elements, to: element, unsafeAllowed: unsafeAllowed) else { return nil }
            return .tupleToSet(element: element, plans: plans)
        case (.object(let attributes), .map(var element)):
            if attributes.isEmpty { return .objectToMap(element: element, plans: [:]) }
            if element == .dynamic {
                guard let unified = unify(sortedValues(attributes), unsafeAllowed: unsafeAllowed) else { return nil }
                element = unified.type
            }
            var plans: [String: Plan] = [:]
            for (name, type) in attributes {
                guard let plan = plan(from: type, to: element, unsafeAllowed: unsafeAllowed) else { return nil }
                plans[name] = plan
            }
            return .objectToMap(element: element, plans: plans)
        case (.map(let element), .object(let attributes)):
            guard unsafeAllowed else { return nil }
            var plans: [String: (type: ValueType, plan: Plan)] = [:]
            for (name, type) in attributes {
                guard let plan = plan(from: element, to: type, unsafeAllowed: unsafeAllowed) else { return nil }
                plans[name] = (type, plan)
            }
            return .mapToObject(plans)
        default:
            return nil
        }
    }

    /// The element type and element conversions of a tuple becoming a list or set (cty's
    /// `conversionTupleToList`/`conversionTupleToSet`): to a `dynamic` element type the tuple's types are unified.
    private static func sequencePlans(_ elements: [ValueType], to element: ValueType, unsafeAllowed: Bool) -> (ValueType, [Plan])? {
        if elements.isEmpty { return (element, []) }
        var element = element
        if element == .dynamic {
            guard let unified = unify(elements, unsafeAllowed: unsafeAllowed) else { return nil }
            element = unified.type
            if element == .dynamic, elements.contains(where: { $0 != .dynamic }) { return nil }
        }
        var plans: [Plan] = []
        plans.reserveCapacity(elements.count)
        for type in elements {
            guard let plan = plan(from: type, to: element, unsafeAllowed: unsafeAllowed) else { return nil }
            plans.append(plan)
        }
        return (element, plans)
    }

    /// Applies `plan` to `value`, whose result is to have type `target` (cty's conversion wrapper: null and unknown
    /// values become null and unknown of the target type without running the conversion).
    static func apply(_ plan: Plan, to value: TypedValue, target: ValueType, path: [String]) throws(ConversionError) -> TypedValue {
        switch plan {
        case .identity, .passthrough:
            return value
        default:
            break
        }
        switch value {
        case .unknown(let type):
            return .unknown(dynamicReplace(type, target))
        case .null(let type):
            return .null(dynamicReplace(type, target))
        default:
            break
        }
        switch plan {
        case .identity, .passthrough:
            return value
        case .fromDynamic:
            do {
                return try convert(value, to: target, unsafeAllowed: true)
            } catch {
                throw ConversionError(path: path + error.path, message: error.message)
            }
        case .primitive(_, let to):
            return try convertPrimitive(value, to: to, path: path)
        case .objectToObject(let attributes):
            guard let entries = value.mapEntries else { return value }
            var result: [String: TypedValue] = [:]
            result.reserveCapacity(attributes.count)
            for name in entries.keys.sorted() {
                guard let attribute = attributes[name], let element = entries[name] else { continue }
                result[name] = try apply(attribute.plan, to: element, target: attribute.type,
                                         path: path + [ConversionError.attributeStep(name)])
            }
            return .object(result)
        case .tupleToTuple(let plans):
            guard let elements = value.sequenceElements else { return value }
            var result: [TypedValue] = []
            result.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() where index < plans.count {
                result.append(try apply(plans[index].plan, to: element, target: plans[index].type,
                                        path: path + [ConversionError.indexStep(index)]))
            }
            return .tuple(result)
        case .collectionToList(let elementType, let elementPlan):
            guard let (elements, sourceElement) = collectionParts(value) else { return value }
            if case .set = value, elements.count != 1, !value.isWhollyKnown {
                // The set's length is not known (its unknown elements may coalesce): so is the list.
                return .unknown(.list(dynamicReplace(sourceElement, elementType)))
            }
            let converted = try applyEach(elementPlan, to: elements, target: elementType, path: path)
            if converted.isEmpty { return .list([], elementType == .dynamic ? sourceElement : elementType) }
            guard let type = commonType(converted) else {
                throw ConversionError(path: path, message: "element types must all match for conversion to list")
            }
            return .list(converted, type)
        case .collectionToSet(let elementType, let elementPlan):
            guard let (elements, sourceElement) = collectionParts(value) else { return value }
            let converted = try applyEach(elementPlan, to: elements, target: elementType, path: path)
            if converted.isEmpty { return .set([], elementType == .dynamic ? sourceElement : elementType) }
            guard let type = commonType(converted) else {
                throw ConversionError(path: path, message: "element types must all match for conversion to set")
            }
            return TypedValue.set(converted, of: type)
        case .collectionToMap(let elementType, let elementPlan):
            guard case .map(let entries, let sourceElement) = value else { return value }
            if entries.isEmpty { return .map([:], elementType == .dynamic ? sourceElement : elementType) }
            var result: [String: TypedValue] = [:]
            result.reserveCapacity(entries.count)
            for key in entries.keys.sorted() {
                guard let element = entries[key] else { continue }
                result[key] = try apply(elementPlan, to: element, target: elementType,
                                        path: path + [ConversionError.keyStep(key)])
            }
            if elementType.isCollectionOrObject {
                result = try unifyEntries(result, unsafeAllowed: false, path: path)
            }
            guard let type = commonType(Array(result.values)) else {
                throw ConversionError(path: path, message: "element types must all match for conversion to map")
            }
            return .map(result, type)
        case .tupleToList(let elementType, let plans):
            guard let elements = value.sequenceElements else { return value }
            if plans.isEmpty { return .list([], elementType) }
            var converted: [TypedValue] = []
            converted.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() where index < plans.count {
                converted.append(try apply(plans[index], to: element, target: elementType,
                                           path: path + [ConversionError.indexStep(index)]))
            }
            // cty reports this step at the path of the last element.
            converted = try unifyElements(converted, unsafeAllowed: true,
                                          path: path + [ConversionError.indexStep(converted.count - 1)])
            guard let type = commonType(converted) else {
                throw ConversionError(path: path, message: "element types must all match for conversion to list")
            }
            return .list(converted, type)
        case .tupleToSet(let elementType, let plans):
            guard let elements = value.sequenceElements else { return value }
            if plans.isEmpty { return .set([], elementType) }
            var converted: [TypedValue] = []
            converted.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() where index < plans.count {
                converted.append(try apply(plans[index], to: element, target: elementType,
                                           path: path + [ConversionError.indexStep(index)]))
            }
            guard let type = commonType(converted) else {
                throw ConversionError(path: path, message: "element types must all match for conversion to set")
            }
            return TypedValue.set(converted, of: type)
        case .objectToMap(let elementType, let plans):
            guard let entries = value.mapEntries else { return value }
            if plans.isEmpty { return .map([:], elementType) }
            var result: [String: TypedValue] = [:]
            result.reserveCapacity(entries.count)
            for name in entries.keys.sorted() {
                guard let element = entries[name] else { continue }
                let plan = plans[name] ?? .identity
                result[name] = try apply(plan, to: element, target: elementType,
                                         path: path + [ConversionError.keyStep(name)])
            }
            if elementType.isCollectionOrObject {
                result = try unifyEntries(result, unsafeAllowed: true, path: path)
            }
            guard let type = commonType(Array(result.values)) else {
                throw ConversionError(path: path, message: "attribute types must all match for conversion to map")
            }
            return .map(result, type)
        case .mapToObject(let attributes):
            guard let entries = value.mapEntries else { return value }
            var result: [String: TypedValue] = [:]
            result.reserveCapacity(attributes.count)
            for key in entries.keys.sorted() {
                guard let attribute = attributes[key], let element = entries[key] else { continue }
                result[key] = try apply(attribute.plan, to: element, target: attribute.type,
                                        path: path + [ConversionError.keyStep(key)])
            }
            for name in attributes.keys.sorted() where result[name] == nil {
                throw ConversionError(path: path, message: "map has no element for required attribute \(GoQuote.quote(name))")
            }
            return .object(result)
        }
    }

    /// The string, number and bool conversions (cty's `primitiveConversionsSafe` and `...Unsafe`).
    private static func convertPrimitive(_ value: TypedValue, to type: ValueType, path: [String]) throws(ConversionError) -> TypedValue {
        switch (value, type) {
        case (.number(let number), .string):
            return .string(number.description)
        case (.bool(let flag), .string):
            return .string(flag ? "true" : "false")
        case (.string(let text), .number):
            guard let number = Number(parsing: text) else {
                throw ConversionError(path: path, message: "a number is required")
            }
            return .number(number)
        case (.string(let text), .bool):
            switch text {
            case "true", "1": return .true
            case "false", "0": return .false
            default:
                switch text.lowercased() {
                case "true":
                    throw ConversionError(path: path, message: "a bool is required; to convert from string, use lowercase \"true\"")
                case "false":
                    throw ConversionError(path: path, message: "a bool is required; to convert from string, use lowercase \"false\"")
                default:
                    throw ConversionError(path: path, message: "a bool is required")
                }
            }
        default:
            throw ConversionError(path: path, message: "\(constraintName(type)) required")
        }
    }

    /// The elements and element type of a list or set value.
    private static func collectionParts(_ value: TypedValue) -> ([TypedValue], ValueType)? {
        switch value {
        case .list(let elements, let element), .set(let elements, let element): (elements, element)
        default: nil
        }
    }

    /// Applies one element conversion to every element of a list or set.
    private static func applyEach(_ plan: Plan, to elements: [TypedValue], target: ValueType, path: [String]) throws(ConversionError) -> [TypedValue] {
        if case .identity = plan { return elements }
        var result: [TypedValue] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            result.append(try apply(plan, to: element, target: target, path: path + [ConversionError.indexStep(index)]))
        }
        return result
    }

    /// The one type all the values have, or nil when they differ (cty's `CanListVal` and friends).
    private static func commonType(_ values: [TypedValue]) -> ValueType? {
        guard let first = values.first?.type else { return .dynamic }
        for value in values.dropFirst() where value.type != first { return nil }
        return first
    }

    /// Converts list elements to their unified type (cty's `conversionUnifyListElements`).
    private static func unifyElements(_ elements: [TypedValue], unsafeAllowed: Bool, path: [String]) throws(ConversionError) -> [TypedValue] {
        let types = elements.map(\.type)
        guard let first = types.first, types.contains(where: { $0 != first }) else { return elements }
        guard let unified = unify(types, unsafeAllowed: unsafeAllowed)?.type else {
            throw ConversionError(path: path, message: "cannot find a common base type for all elements")
        }
        var result: [TypedValue] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let elementPath = path + [ConversionError.indexStep(index)]
            guard let plan = plan(from: types[index], to: unified, unsafeAllowed: unsafeAllowed) else {
                throw ConversionError(path: elementPath, message: mismatchMessage(got: types[index], want: unified))
            }
            result.append(try apply(plan, to: element, target: unified, path: elementPath))
        }
        return result
    }

    /// Converts map elements to their unified type (cty's `conversionUnifyCollectionElements`).
    private static func unifyEntries(_ entries: [String: TypedValue], unsafeAllowed: Bool, path: [String]) throws(ConversionError) -> [String: TypedValue] {
        let keys = entries.keys.sorted()
        let types = keys.compactMap { entries[$0]?.type }
        guard let first = types.first, types.contains(where: { $0 != first }) else { return entries }
        guard let unified = unify(types, unsafeAllowed: unsafeAllowed)?.type else {
            throw ConversionError(path: path, message: "cannot find a common base type for all elements")
        }
        var result: [String: TypedValue] = [:]
        result.reserveCapacity(entries.count)
        for (index, key) in keys.enumerated() {
            guard let element = entries[key] else { continue }
            let elementPath = path + [ConversionError.keyStep(key)]
            guard let plan = plan(from: types[index], to: unified, unsafeAllowed: unsafeAllowed) else {
                throw ConversionError(path: elementPath, message: mismatchMessage(got: types[index], want: unified))
            }
            result[key] = try apply(plan, to: element, target: unified, path: elementPath)
        }
        return result
    }

    /// The target type with each `dynamic` in it replaced by the source's type at the same place (cty's
    /// `dynamicReplace`): the type of a null or unknown after conversion.
    static func dynamicReplace(_ source: ValueType, _ target: ValueType) -> ValueType {
        if source == .dynamic { return target }
        switch target {
        case .dynamic:
            return source
        case .string, .number, .bool:
            return target
        case .map(let element):
            switch source {
            case .map(let sourceElement):
                return .map(dynamicReplace(sourceElement, element))
            case .object(let attributes):
                guard let unified = unify(sortedValues(attributes), unsafeAllowed: true)?.type else { return .map(element) }
                return .map(dynamicReplace(unified, element))
            default:
                return target
            }
        case .object(let attributes):
            var result: [String: ValueType] = [:]
            switch source {
            case .map(let sourceElement):
                for (name, type) in attributes { result[name] = dynamicReplace(sourceElement, type) }
            case .object(let sourceAttributes):
                for (name, type) in attributes {
                    result[name] = sourceAttributes[name].map { dynamicReplace($0, type) } ?? type
                }
            default:
                break
            }
            return .object(result)
        case .set(let element), .list(let element):
            let replaced: ValueType
            switch source {
            case .set(let sourceElement), .list(let sourceElement):
                replaced = dynamicReplace(sourceElement, element)
            case .tuple(let elements):
                if let unified = unify(elements, unsafeAllowed: true)?.type {
                    replaced = dynamicReplace(unified, element)
                } else {
                    replaced = element
                }
            default:
                return target
            }
            if case .set = target { return .set(replaced) }
            return .list(replaced)
        case .tuple(let elements):
            guard case .tuple(let sourceElements) = source, sourceElements.count == elements.count else { return target }
            return .tuple(zip(sourceElements, elements).map { dynamicReplace($0, $1) })
        }
    }

    /// An object's attribute types in attribute name order.
    static func sortedValues(_ attributes: [String: ValueType]) -> [ValueType] {
        attributes.keys.sorted().compactMap { attributes[$0] }
    }
}

extension ValueType {
    /// Whether this is a list, set, map or object type (cty's `IsCollectionType() || IsObjectType()`).
    fileprivate var isCollectionOrObject: Bool {
        switch self {
        case .list, .set, .map, .object: true
        default: false
        }
    }
}
