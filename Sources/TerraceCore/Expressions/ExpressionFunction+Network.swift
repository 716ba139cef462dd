extension ExpressionFunction {
    /// IP network functions (IPv4).
    static let network: [ExpressionFunction] = [
        ExpressionFunction("cidrsubnet", [.string, .number, .number], result: .string) { call throws(ExpressionError) in
            let prefix = try cidr(call[0])
            let newbits = try call[1].integer()
            let netnum = try call[2].integer()
            switch prefix.subnet(newbits: newbits, netnum: netnum) {
            case .success(let subnet): return .string(subnet.description)
            case .failure(let error):
                throw (newbits < 0 || prefix.prefixLength + newbits > 32 ? call[1] : call[2]).error(error.message)
            }
        },
        ExpressionFunction("cidrsubnets", [.string], variadic: .number, result: .list) { call throws(ExpressionError) in
            let prefix = try cidr(call[0])
            var next = UInt64(prefix.address & prefix.netmask)
            let end = next + prefix.addressCount
            var results: [Value] = []
            for argument in call.arguments.dropFirst() {
                let newbits = try argument.integer()
                guard newbits >= 0, prefix.prefixLength + newbits <= 32 else {
                    throw argument.error(
                        "not enough remaining address space: cannot extend `\(prefix)` by \(newbits) bits (at most \(32 - prefix.prefixLength))"
                    )
                }
                let size = UInt64(1) << UInt64(32 - prefix.prefixLength - newbits)
                next = (next + size - 1) / size * size  // align to the subnet size
                guard next + size <= end else {
                    throw argument.error(
                        "not enough remaining address space in `\(prefix)` for a /\(prefix.prefixLength + newbits) subnet"
                    )
                }
                results.append(
                    .string(
                        IPv4CIDR(address: UInt32(truncatingIfNeeded: next), prefixLength: prefix.prefixLength + newbits)
                            .description))
                next += size
            }
            return .list(results)
        },
        ExpressionFunction("cidrhost", [.string, .number], result: .string) { call throws(ExpressionError) in
            let prefix = try cidr(call[0])
            switch prefix.host(try call[1].integer()) {
            case .success(let address): return .string(IPv4CIDR.format(address: address))
            case .failure(let error): throw call[1].error(error.message)
            }
        },
        ExpressionFunction("cidrnetmask", [.string], result: .string) { call throws(ExpressionError) in
            .string(IPv4CIDR.format(address: try cidr(call[0]).netmask))
        },
    ]

    /// The argument as a CIDR prefix; host bits are cleared, as Terraform does.
    static func cidr(_ argument: Argument) throws(ExpressionError) -> IPv4CIDR {
        switch IPv4CIDR.parse(try argument.string(), allowHostBits: true) {
        case .success(let prefix): return prefix
        case .failure(let error): throw argument.error("invalid CIDR prefix: \(error.message)")
        }
    }
}
