import BigInt

/// An IP network prefix with Go's `net.IPNet` semantics, IPv4 and IPv6, for Terraform's `cidr…` functions.
///
/// Addresses are byte arrays as Go's `net.IP` holds them: 4 bytes for IPv4, 16 bytes for IPv6 (an IPv4 address
/// may also appear in its 16-byte IPv4-mapped form `::ffff:a.b.c.d`), and empty for Go's `nil`. The arithmetic
/// follows `github.com/apparentlymart/go-cidr` 1.1.0 and Terraform's `internal/ipaddr` parser (which, unlike
/// current Go, accepts leading zeros in IPv4 octets), quirks included, so that results and errors are Terraform's.
struct IPNetwork: Hashable, Sendable {
    /// The network number (Go's `IPNet.IP`).
    var address: [UInt8]
    /// The mask (Go's `IPNet.Mask`): 4 or 16 bytes, or empty.
    var mask: [UInt8]

    /// Parses `text` as Terraform's `ipaddr.ParseCIDR` does: `address/length`, the address masked to the network.
    /// Throws the message Go gives: `invalid CIDR address: <text>`.
    static func parse(_ text: String) throws(FunctionError) -> IPNetwork {
        let failure = FunctionError("invalid CIDR address: \(text)")
        let bytes = Array(text.utf8)
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { throw failure }
        let addressPart = Array(bytes[..<slash])
        let lengthPart = Array(bytes[(slash + 1)...])
        var byteCount = 4
        var parsed = parseIPv4(addressPart)
        if parsed == nil {
            byteCount = 16
            parsed = parseIPv6(addressPart)
        }
        guard let address = parsed, let (length, used) = decimal(lengthPart), used == lengthPart.count,
            length <= 8 * byteCount
        else { throw failure }
        let mask = cidrMask(ones: length, bits: 8 * byteCount)
        return IPNetwork(address: applying(mask, to: address), mask: mask)
    }

    // MARK: - Parsing (Terraform's internal/ipaddr)

    /// Go's `dtoi`: a decimal number at the start of `bytes` and the count of digits, nil when there is none or
    /// it reaches 0xFFFFFF.
    private static func decimal(_ bytes: [UInt8]) -> (Int, Int)? {
        var value = 0
        var index = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value * 10 + Int(bytes[index] - 0x30)
            if value >= 0xFFFFFF { return nil }
            index += 1
        }
        return index == 0 ? nil : (value, index)
    }

    /// Go's `xtoi`: a hexadecimal number at the start of `bytes` and the count of digits.
    private static func hexadecimal(_ bytes: ArraySlice<UInt8>) -> (Int, Int)? {
        var value = 0
        var count = 0
        for byte in bytes {
            let digit: Int
            switch byte {
            case 0x30...0x39: digit = Int(byte - 0x30)
            case 0x61...0x66: digit = Int(byte - 0x61) + 10
            case 0x41...0x46: digit = Int(byte - 0x41) + 10
            default: return count == 0 ? nil : (value, count)
            }
            value = value * 16 + digit
            if value >= 0xFFFFFF { return nil }
            count += 1
        }
        return count == 0 ? nil : (value, count)
    }

    /// An IPv4 address in dotted form, as 16 bytes (IPv4-mapped, like Go's `net.IPv4`).
    private static func parseIPv4(_ bytes: [UInt8]) -> [UInt8]? {
        parseIPv4(bytes[...])
    }

    private static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var rest = bytes
        var octets: [UInt8] = []
        for position in 0..<4 {
            if rest.isEmpty { return nil }
            if position > 0 {
                if rest.first != UInt8(ascii: ".") { return nil }
                rest = rest.dropFirst()
            }
            guard let (value, used) = decimal(Array(rest)), value <= 0xFF else { return nil }
            rest = rest.dropFirst(used)
            octets.append(UInt8(value))
        }
        if !rest.isEmpty { return nil }
        return v4InV6Prefix + octets
    }

    /// An IPv6 address (with `::` and an optional dotted IPv4 tail), as 16 bytes.
    private static func parseIPv6(_ bytes: [UInt8]) -> [UInt8]? {
        var address = [UInt8](repeating: 0, count: 16)
        var ellipsis = -1
        var rest = bytes[...]
        let colon = UInt8(ascii: ":")
        if rest.count >= 2, rest[rest.startIndex] == colon, rest[rest.startIndex + 1] == colon {
            ellipsis = 0
            rest = rest.dropFirst(2)
            if rest.isEmpty { return address }
        }
        var index = 0
        while index < 16 {
            guard let (value, used) = hexadecimal(rest), value <= 0xFFFF else { return nil }
            if used < rest.count, rest[rest.startIndex + used] == UInt8(ascii: ".") {
                if ellipsis < 0, index != 12 { return nil }
                if index + 4 > 16 { return nil }
                guard let v4 = parseIPv4(rest) else { return nil }
                address[index..<(index + 4)] = v4[12..<16]
                rest = rest.dropFirst(rest.count)
                index += 4
                break
            }
            address[index] = UInt8(value >> 8)
            address[index + 1] = UInt8(value & 0xFF)
            index += 2
            rest = rest.dropFirst(used)
            if rest.isEmpty { break }
            if rest.first != colon || rest.count == 1 { return nil }
            rest = rest.dropFirst()
            if rest.first == colon {
                if ellipsis >= 0 { return nil }
                ellipsis = index
                rest = rest.dropFirst()
                if rest.isEmpty { break }
            }
        }
        if !rest.isEmpty { return nil }
        if index < 16 {
            if ellipsis < 0 { return nil }
            let gap = 16 - index
            for position in stride(from: index - 1, through: ellipsis, by: -1) {
                address[position + gap] = address[position]
            }
            for position in stride(from: ellipsis + gap - 1, through: ellipsis, by: -1) {
                address[position] = 0
            }
        } else if ellipsis >= 0 {
            return nil
        }
        return address
    }

    // MARK: - Go's net.IP and net.IPMask

    private static let v4InV6Prefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
    private static let ipv4Zero: [UInt8] = v4InV6Prefix + [0, 0, 0, 0]
    private static let ipv6Zero = [UInt8](repeating: 0, count: 16)

    /// Go's `net.CIDRMask`: `ones` leading one bits of `bits` (32 or 128); empty when out of range.
    static func cidrMask(ones: Int, bits: Int) -> [UInt8] {
        guard bits == 32 || bits == 128, ones >= 0, ones <= bits else { return [] }
        return (0..<(bits / 8)).map { byte in
            let set = Swift.min(Swift.max(ones - byte * 8, 0), 8)
            return set == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - set))
        }
    }

    /// Go's `IP.Mask`: the address with the mask applied; empty when their lengths do not fit.
    static func applying(_ mask: [UInt8], to address: [UInt8]) -> [UInt8] {
        var mask = mask
        var address = address
        if mask.count == 16, address.count == 4, mask[..<12].allSatisfy({ $0 == 0xFF }) { mask = Array(mask[12...]) }
        if mask.count == 4, address.count == 16, Array(address[..<12]) == v4InV6Prefix {
            address = Array(address[12...])
        }
        guard address.count == mask.count else { return [] }
        return zip(address, mask).map { $0 & $1 }
    }

    /// Go's `IP.To4`: the 4-byte form of an IPv4 (or IPv4-mapped) address, nil otherwise.
    static func to4(_ address: [UInt8]) -> [UInt8]? {
        if address.count == 4 { return address }
        if address.count == 16, Array(address[..<12]) == v4InV6Prefix { return Array(address[12...]) }
        return nil
    }

    /// Go's `IP.Equal`: equal bytes, an IPv4 address also equal to its IPv4-mapped form.
    static func equal(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        if left.count == right.count { return left == right }
        if left.count == 4, right.count == 16 { return Array(right[..<12]) == v4InV6Prefix && Array(right[12...]) == left }
        if left.count == 16, right.count == 4 { return Array(left[..<12]) == v4InV6Prefix && Array(left[12...]) == right }
        return false
    }

    /// Go's `simpleMaskLength`: the count of leading ones of a canonical mask, -1 for a non-canonical one.
    private static func maskLength(_ mask: [UInt8]) -> Int {
        var ones = 0
        for (index, byte) in mask.enumerated() {
            if byte == 0xFF {
                ones += 8
                continue
            }
            var rest = byte
            while rest & 0x80 != 0 {
                ones += 1
                rest <<= 1
            }
            if rest != 0 { return -1 }
            if mask[(index + 1)...].contains(where: { $0 != 0 }) { return -1 }
            break
        }
        return ones
    }

    /// Go's `IPMask.Size`: the prefix length and the mask's width in bits; (0, 0) for a non-canonical mask.
    var maskSize: (ones: Int, bits: Int) {
        let ones = IPNetwork.maskLength(mask)
        return ones == -1 ? (0, 0) : (ones, mask.count * 8)
    }

    /// Go's `networkNumberAndMask`: the network number (4 bytes for IPv4) and a mask of the same width.
    private var numberAndMask: ([UInt8], [UInt8])? {
        var number = address
        if let v4 = IPNetwork.to4(address) {
            number = v4
        } else if address.count != 16 {
            return nil
        }
        var mask = self.mask
        switch mask.count {
        case 4: if number.count != 4 { return nil }
        case 16: if number.count == 4 { mask = Array(mask[12...]) }
        default: return nil
        }
        return (number, mask)
    }

    /// Go's `IPNet.Contains`.
    func contains(_ ip: [UInt8]) -> Bool {
        guard let (number, mask) = numberAndMask else { return false }
        let ip = IPNetwork.to4(ip) ?? ip
        guard ip.count == number.count else { return false }
        return (0..<ip.count).allSatisfy { number[$0] & mask[$0] == ip[$0] & mask[$0] }
    }

    /// Go's `IPNet.String`: `address/length`, `address/hexmask` for a non-canonical mask, `<nil>` when invalid.
    var description: String {
        guard let (number, mask) = numberAndMask else { return "<nil>" }
        let length = IPNetwork.maskLength(mask)
        if length == -1 { return IPNetwork.text(number) + "/" + mask.map(IPNetwork.hexByte).joined() }
        return IPNetwork.text(number) + "/\(length)"
    }

    /// A byte as two lowercase hexadecimal digits.
    private static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// Go's `IP.String`: dotted for IPv4 (and IPv4-mapped) addresses, RFC 5952 for IPv6, `<nil>` when empty.
    static func text(_ address: [UInt8]) -> String {
        if address.isEmpty { return "<nil>" }
        if let v4 = to4(address) { return v4.map(String.init).joined(separator: ".") }
        guard address.count == 16 else { return "?" + address.map(hexByte).joined() }
        let groups = (0..<8).map { UInt16(address[2 * $0]) << 8 | UInt16(address[2 * $0 + 1]) }
        var zeroStart = -1
        var zeroEnd = -1
        for start in 0..<8 {
            var end = start
            while end < 8, groups[end] == 0 { end += 1 }
            if end - start >= 2, end - start > zeroEnd - zeroStart {
                zeroStart = start
                zeroEnd = end
            }
        }
        var result = ""
        var index = 0
        while index < 8 {
            if index == zeroStart {
                result += "::"
                index = zeroEnd
                if index >= 8 { break }
            } else if index > 0 {
                result += ":"
            }
            result += String(groups[index], radix: 16)
            index += 1
        }
        return result
    }

    // MARK: - go-cidr

    /// go-cidr's `ipToInt`: the address as an unsigned integer and its width in bits.
    private static func integer(_ address: [UInt8]) -> (BigInt, Int) {
        let value = address.reduce(BigInt(0)) { $0 << 8 | BigInt($1) }
        return (value, address.count * 8)
    }

    /// go-cidr's `intToIP`: the low bytes of `|value|` as an address of `bits` bits. Go panics when the value has
    /// more bytes than the address; that panic is thrown as Terraform reports it.
    private static func bytes(of value: BigInt, bits: Int) throws(FunctionError) -> [UInt8] {
        var magnitude = value.magnitude
        var bytes: [UInt8] = []
        while !magnitude.isZero {
            bytes.insert(UInt8(truncatingIfNeeded: magnitude & 0xFF), at: 0)
            magnitude >>= 8
        }
        let width = bits / 8
        if bytes.count > width {
            // Go copies from the lowest byte up and fails at the first index below zero.
            throw FunctionError("panic in function implementation: runtime error: index out of range [-1]")
        }
        return [UInt8](repeating: 0, count: width - bytes.count) + bytes
    }

    /// go-cidr's `insertNumIntoIP`: `number` shifted to sit just below `prefixLength`, ORed into the address (with
    /// Go's two's-complement semantics for a negative number).
    private static func inserting(_ number: BigInt, into address: [UInt8], prefixLength: Int) throws(FunctionError)
        -> [UInt8]
    {
        let (base, bits) = integer(address)
        let shift = bits - prefixLength
        let shifted = number.sign == .minus
            ? -(BigInt(number.magnitude) << shift) : (shift >= 0 ? number << shift : number >> -shift)
        let combined: BigInt
        if shifted.sign == .minus {
            // base | shifted, for base ≥ 0 and shifted < 0: ~((|shifted| - 1) & ~base).
            let complement = shifted.magnitude - 1
            let kept = complement ^ (complement & base.magnitude)
            combined = -BigInt(kept) - 1
        } else {
            combined = BigInt(base.magnitude | shifted.magnitude)
        }
        return try IPNetwork.bytes(of: combined, bits: bits)
    }

    /// Go's `big.Int.Uint64`: the low 64 bits of the magnitude.
    private static func low64(_ value: BigInt) -> UInt64 {
        UInt64(truncatingIfNeeded: value.magnitude & BigUInt(UInt64.max))
    }

    /// go-cidr's `HostBig`: the address of host `number` in the network (a negative number counts from the end).
    func host(_ number: BigInt) throws(FunctionError) -> [UInt8] {
        let (parentLength, addressLength) = maskSize
        let hostLength = addressLength - parentLength
        let maxHost = (BigInt(1) << hostLength) - 1
        var number = number
        var checked = BigInt(Int64(truncatingIfNeeded: IPNetwork.low64(number)))
        if number.sign == .minus, !number.isZero {
            checked = -number - 1
            number = maxHost - checked
        }
        if checked > maxHost {
            throw FunctionError("prefix of \(parentLength) does not accommodate a host numbered \(number)")
        }
        let bits = IPNetwork.to4(address) != nil ? 32 : 128
        return try IPNetwork.inserting(number, into: address, prefixLength: bits)
    }

    /// go-cidr's `SubnetBig`: subnet `number` of the network extended by `newBits` bits.
    func subnet(newBits: Int, number: BigInt) throws(FunctionError) -> IPNetwork {
        let (parentLength, addressLength) = maskSize
        let newLength = parentLength + newBits
        if newLength > addressLength {
            throw FunctionError("insufficient address space to extend prefix of \(parentLength) by \(newBits)")
        }
        // Go: uint64(1 << uint64(newBits)) - 1, where a shift of 64 or more (or a negative count) gives 0.
        let maxNumber = newBits >= 0 && newBits < 64 ? (UInt64(1) << UInt64(newBits)) - 1 : UInt64.max
        if IPNetwork.low64(number) > maxNumber {
            throw FunctionError("prefix extension of \(newBits) does not accommodate a subnet numbered \(number)")
        }
        return IPNetwork(
            address: try IPNetwork.inserting(number, into: address, prefixLength: newLength),
            mask: IPNetwork.cidrMask(ones: newLength, bits: addressLength))
    }

    /// go-cidr's `AddressRange`: the last address of the network.
    private func lastAddress() throws(FunctionError) -> [UInt8] {
        let (prefixLength, bits) = maskSize
        if prefixLength == bits { return address }
        let (first, width) = IPNetwork.integer(address)
        guard width == 32 || width == 128 else {
            throw FunctionError("panic in function implementation: Unsupported address length \(address.count)")
        }
        let hostMask = (BigInt(1) << (width - prefixLength)) - 1
        return try IPNetwork.bytes(of: BigInt(hostMask.magnitude | first.magnitude), bits: width)
    }

    /// go-cidr's `checkIPv4`.
    private static func shortened(_ address: [UInt8]) -> [UInt8] {
        to4(address) ?? address
    }

    /// go-cidr's `PreviousSubnet`: the network of `prefixLength` bits just before this one's start.
    func previous(prefixLength: Int) -> IPNetwork {
        var bytes = IPNetwork.shortened(address)
        let mask = IPNetwork.cidrMask(ones: prefixLength, bits: 8 * bytes.count)
        for index in bytes.indices.reversed() {
            bytes[index] &-= 1
            if bytes[index] < 255 { break }
        }
        return IPNetwork(address: IPNetwork.applying(mask, to: bytes), mask: mask)
    }

    /// go-cidr's `NextSubnet`: the network of `prefixLength` bits just after this one, and whether the address
    /// space rolled over to zero.
    func next(prefixLength: Int) throws(FunctionError) -> (IPNetwork, Bool) {
        let currentLast = try lastAddress()
        let mask = IPNetwork.cidrMask(ones: prefixLength, bits: 8 * currentLast.count)
        let current = IPNetwork(address: IPNetwork.applying(mask, to: currentLast), mask: mask)
        var last = IPNetwork.shortened(try current.lastAddress())
        for index in last.indices.reversed() {
            last[index] &+= 1
            if last[index] > 0 { break }
        }
        let next = IPNetwork(address: IPNetwork.applying(mask, to: last), mask: mask)
        let rolledOver = IPNetwork.equal(last, IPNetwork.ipv4Zero) || IPNetwork.equal(last, IPNetwork.ipv6Zero)
        return (next, rolledOver)
    }
}
