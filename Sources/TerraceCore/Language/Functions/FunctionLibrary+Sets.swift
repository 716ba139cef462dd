/// Terraform's set functions (cty's stdlib 1.16): the operands are converted to sets of one common element type.
extension FunctionLibrary {
    /// setintersection, setproduct, setsubtract, setunion.
    static let sets: [FunctionDefinition] = [setintersection, setproduct, setsubtract, setunion]

    private typealias Parameter = CheckedParameter

    private static let setunion = CheckedFunction.make(
        "setunion", [Parameter("first_set", .set(.dynamic), allowDynamicType: true)],
        variadic: Parameter("other_sets", .set(.dynamic), allowDynamicType: true),
        type: setOperationType,
        body: setOperation(allowUnknowns: true) { left, right in left + right })

    private static let setintersection = CheckedFunction.make(
        "setintersection", [Parameter("first_set", .set(.dynamic), allowDynamicType: true)],
        variadic: Parameter("other_sets", .set(.dynamic), allowDynamicType: true),
        type: setOperationType,
        body: setOperation(allowUnknowns: false) { left, right in left.filter { isMember($0, of: right) } })

    private static let setsubtract = CheckedFunction.make(
        "setsubtract",
        [Parameter("a", .set(.dynamic), allowDynamicType: true), Parameter("b", .set(.dynamic), allowDynamicType: true)],
        type: setOperationType,
        body: setOperation(allowUnknowns: false) { left, right in left.filter { !isMember($0, of: right) } })

    /// The element type all operands unify to; empty sets of unknown element type take no part.
    private static func setOperationType(_ arguments: [TypedValue]) throws(FunctionError) -> ValueType {
        var elementTypes: [ValueType] = []
        for argument in arguments {
            let element = argument.type.elementType ?? .dynamic
            if element == .dynamic, argument.sequenceElements?.isEmpty == true { continue }
            elementTypes.append(element)
        }
        if elementTypes.isEmpty { return .set(.dynamic) }
        guard let common = TypeConversion.unify(elementTypes) else {
            throw FunctionError("given sets must all have compatible element types")
        }
        return .set(common)
    }

    /// Whether a set holds `element` as cty's sets decide it: an element with the same hash bytes that is equal
    /// (an unknown is a member of nothing).
    private static func isMember(_ element: TypedValue, of elements: [TypedValue]) -> Bool {
        let hash = element.setHashBytes()
        return elements.contains { $0.setHashBytes() == hash && TypedValue.equals($0, element) == .true }
    }

    /// Converts every operand to the result type and folds them with `combine` (on elements in set order).
    private static func setOperation(
        allowUnknowns: Bool, _ combine: @escaping @Sendable ([TypedValue], [TypedValue]) -> [TypedValue]
    ) -> CheckedFunction.Body {
        { arguments, resultType throws(FunctionError) in
            let element = resultType.elementType ?? .dynamic
            var result: [TypedValue]?
            for (index, argument) in arguments.enumerated() {
                let converted = try CheckedFunction.converted(argument, to: resultType, argument: index)
                if !allowUnknowns, !converted.isWhollyKnown { return .unknown(resultType) }
                let items = converted.sequenceElements ?? []
                result = result.map { combine($0, items) } ?? items
            }
            return TypedValue.set(result ?? [], of: element)
        }
    }

    private static let setproduct = CheckedFunction.make(
        "setproduct", [], variadic: Parameter("sets", .dynamic, allowUnknown: true),
        type: { arguments throws(FunctionError) in
            if arguments.count < 2 { throw FunctionError("at least two arguments are required") }
            var listCount = 0
            var elementTypes: [ValueType] = []
            for (index, argument) in arguments.enumerated() {
                switch argument.type {
                case .set(let element):
                    elementTypes.append(element)
                case .list(let element):
                    elementTypes.append(element)
                    listCount += 1
                case .tuple(let types):
                    listCount += 1
                    if types.isEmpty {
                        elementTypes.append(.dynamic)
                    } else if let common = TypeConversion.unify(types) {
                        elementTypes.append(common)
                    } else {
                        throw FunctionError(argument: index, "all elements must be of the same type")
                    }
                default:
                    throw FunctionError(argument: index, "a set or a list is required")
                }
            }
            return listCount == arguments.count ? .list(.tuple(elementTypes)) : .set(.tuple(elementTypes))
        },
        body: { arguments, resultType throws(FunctionError) in
            if arguments.contains(where: \.isUnknown) { return .unknown(resultType) }
            let tupleType = resultType.elementType ?? .dynamic
            guard case .tuple(let elementTypes) = tupleType else { return .unknown(resultType) }
            let operands = arguments.map { $0.sequenceElements ?? [] }
            var products: [TypedValue] = []
            if !operands.contains(where: \.isEmpty) {
                var positions = Array(repeating: 0, count: operands.count)
                product: while true {
                    var tuple: [TypedValue] = []
                    for (operand, position) in positions.enumerated() {
                        let item = operands[operand][position]
                        tuple.append((try? TypeConversion.convert(item, to: elementTypes[operand])) ?? item)
                    }
                    products.append(.tuple(tuple))
                    var operand = operands.count - 1
                    while true {
                        positions[operand] += 1
                        if positions[operand] < operands[operand].count { break }
                        positions[operand] = 0
                        if operand == 0 { break product }
                        operand -= 1
                    }
                }
            }
            if case .list = resultType { return .list(products, tupleType) }
            return TypedValue.set(products, of: tupleType)
        })
}
