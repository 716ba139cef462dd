import BigInt

/// Terraform's network functions (`internal/lang/funcs/cidr.go` on go-cidr 1.1.0), for IPv4 and IPv6 prefixes.
extension FunctionLibrary {
    /// cidrhost, cidrnetmask, cidrsubnet, cidrsubnets.
    static let networks: [FunctionDefinition] = [cidrhost, cidrnetmask, cidrsubnet, cidrsubnets]

    private typealias Parameter = CheckedParameter

    private static func text(_ value: TypedValue) -> String {
        if case .string(let text) = value { return text }
        return ""
    }

    /// The prefix argument parsed, failing as Terraform does.
    private static func network(_ value: TypedValue, argument: Int? = nil) throws(FunctionError) -> IPNetwork {
        do {
            return try IPNetwork.parse(text(value))
        } catch {
            throw FunctionError(argument: argument, "invalid CIDR expression: \(error.message)")
        }
    }

    private static let cidrhost = CheckedFunction.make(
        "cidrhost", [Parameter("prefix", .string), Parameter("hostnum", .number)], returns: .string
    ) { arguments, _ throws(FunctionError) in
        let number = try CheckedFunction.bigInt(arguments[1])
        let prefix = try network(arguments[0])
        return .string(IPNetwork.text(try prefix.host(number)))
    }

    private static let cidrnetmask = CheckedFunction.make(
        "cidrnetmask", [Parameter("prefix", .string)], returns: .string
    ) { arguments, _ throws(FunctionError) in
        let prefix = try network(arguments[0])
        if IPNetwork.to4(prefix.address) == nil {
            throw FunctionError("IPv6 addresses cannot have a netmask: \(text(arguments[0]))")
        }
        return .string(IPNetwork.text(prefix.mask))
    }

    private static let cidrsubnet = CheckedFunction.make(
        "cidrsubnet", [Parameter("prefix", .string), Parameter("newbits", .number), Parameter("netnum", .number)],
        returns: .string
    ) { arguments, _ throws(FunctionError) in
        let newBits = try CheckedFunction.int(arguments[1])
        let number = try CheckedFunction.bigInt(arguments[2])
        let prefix = try network(arguments[0])
        return .string(try prefix.subnet(newBits: newBits, number: number).description)
    }

    private static let cidrsubnets = CheckedFunction.make(
        "cidrsubnets", [Parameter("prefix", .string)], variadic: Parameter("newbits", .number),
        returns: .list(.string)
    ) { arguments, _ throws(FunctionError) in
        let prefix = try network(arguments[0], argument: 0)
        let startLength = prefix.maskSize.ones
        let extensions = arguments.dropFirst()
        guard let firstExtension = extensions.first else { return .list([], .string) }
        let firstLength = try CheckedFunction.int(firstExtension, argument: 1) + startLength
        var current = prefix.previous(prefixLength: firstLength)
        var subnets: [TypedValue] = []
        for (offset, argument) in extensions.enumerated() {
            let index = offset + 1
            var length = try CheckedFunction.int(argument, argument: index)
            if length < 1 { throw FunctionError(argument: index, "must extend prefix by at least one bit") }
            if length > 32 { throw FunctionError(argument: index, "may not extend prefix by more than 32 bits") }
            length += startLength
            let addressBits = prefix.address.count * 8
            if length > addressBits {
                let protocolName = addressBits == 32 ? "IPv4" : addressBits == 128 ? "IPv6" : "IP"
                throw FunctionError(
                    argument: index,
                    "would extend prefix to \(length) bits, which is too long for an \(protocolName) address")
            }
            let (next, rolledOver) = try current.next(prefixLength: length)
            if rolledOver || !prefix.contains(next.address) {
                throw FunctionError(
                    argument: index,
                    "not enough remaining address space for a subnet with a prefix of \(length) bits after "
                        + current.description)
            }
            current = next
            subnets.append(.string(next.description))
        }
        return .list(subnets, .string)
    }
}
