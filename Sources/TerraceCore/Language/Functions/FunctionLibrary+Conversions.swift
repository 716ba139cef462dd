/// Terraform's explicit conversion functions (`MakeToFunc`): any value in, the value converted to the wanted type
/// or type kind out, with Terraform's messages for explicit conversions.
extension FunctionLibrary {
    /// tobool, tolist, tomap, tonumber, toset, tostring.
    static let conversions: [FunctionDefinition] = [
        conversion("tobool", to: .bool, named: "bool"),
        conversion("tolist", to: .list(.dynamic), named: "list of any single type"),
        conversion("tomap", to: .map(.dynamic), named: "map of any single type"),
        conversion("tonumber", to: .number, named: "number"),
        conversion("toset", to: .set(.dynamic), named: "set of any single type"),
        conversion("tostring", to: .string, named: "string"),
    ]

    /// A "to…" function converting to `wanted`, which Terraform's messages call `wantedName`.
    private static func conversion(_ name: String, to wanted: ValueType, named wantedName: String)
        -> FunctionDefinition
    {
        @Sendable func failure(_ value: TypedValue) -> FunctionError {
            switch (value, wanted) {
            case (.string(let text), .bool):
                FunctionError(
                    argument: 0,
                    "cannot convert \(GoQuote.quote(text)) to bool; only the strings \"true\" or \"false\" are allowed")
            case (.string(let text), .number):
                FunctionError(
                    argument: 0,
                    "cannot convert \(GoQuote.quote(text)) to number; given string must be a decimal representation of a number")
            default:
                FunctionError(argument: 0, "cannot convert \(value.type.friendlyName) to \(wantedName)")
            }
        }
        return CheckedFunction.make(
            name,
            [CheckedParameter("v", .dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true)],
            returns: wanted,
            type: { arguments throws(FunctionError) in
                let given = arguments[0].type
                if given == wanted { return wanted }
                guard TypeConversion.canConvert(from: given, to: wanted) else {
                    throw FunctionError(argument: 0, "cannot convert \(given.friendlyName) to \(wantedName)")
                }
                return wanted
            },
            body: { arguments, resultType throws(FunctionError) in
                if arguments[0].isUnknown { return .unknown(resultType) }
                do {
                    return try TypeConversion.convert(arguments[0], to: wanted)
                } catch {
                    throw failure(arguments[0])
                }
            })
    }
}
