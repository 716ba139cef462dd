/// An IPv4 network prefix such as `10.0.0.0/16`.
public struct IPv4CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The network address, most significant octet first (`10.0.0.0` is `0x0A00_0000`).
    public var address: UInt32
    /// The number of leading network bits, 0-32.
    public var prefixLength: Int

    /// Creates a prefix from its parts, as given.
    public init(address: UInt32, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n`; host bits must be zero unless `allowHostBits` is set, in which case they are cleared.
    public static func parse(_ text: String, allowHostBits: Bool = false) -> Result<IPv4CIDR, CIDRError> {
        if text.contains(":") {
            return .failure(
                CIDRError("`\(text)`: IPv6 prefixes are not supported; use an IPv4 prefix such as `10.0.0.0/16`"))
        }
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            if pieces.count < 2 {
                return .failure(CIDRError("`\(text)`: missing prefix length, e.g. `\(text)/16`"))
            }
            return .failure(CIDRError("`\(text)`: expected one `/` between the address and the prefix length"))
        }
        let address: UInt32
        switch parseAddress(String(pieces[0]), in: text) {
        case .success(let parsed): address = parsed
        case .failure(let error): return .failure(error)
        }
        let prefixText = pieces[1]
        guard !prefixText.isEmpty, prefixText.count <= 2, prefixText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let prefixLength = Int(prefixText), prefixLength <= 32
        else {
            return .failure(CIDRError("`\(text)`: prefix length must be 0-32"))
        }
        var cidr = IPv4CIDR(address: address, prefixLength: prefixLength)
        let network = address & cidr.netmask
        if network != address {
            if !allowHostBits {
                let suggestion = IPv4CIDR(address: network, prefixLength: prefixLength)
                return .failure(CIDRError("`\(text)` has host bits set; did you mean `\(suggestion)`?"))
            }
            cidr.address = network
        }
        return .success(cidr)
    }

    /// Parses a dotted IPv4 address such as `10.0.0.1`.
    public static func parseAddress(_ text: String) -> Result<UInt32, CIDRError> {
        parseAddress(text, in: text)
    }

    private static func parseAddress(_ text: String, in whole: String) -> Result<UInt32, CIDRError> {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else {
            return .failure(CIDRError("`\(whole)`: expected an address of four octets such as `10.0.0.0`"))
        }
        var address: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty else {
                return .failure(CIDRError("`\(whole)`: empty octet; expected an address such as `10.0.0.0`"))
            }
            guard octet.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return .failure(CIDRError("`\(whole)`: `\(octet)` is not a valid octet"))
            }
            guard octet.count <= 3, let value = UInt32(octet), value <= 255 else {
                return .failure(CIDRError("`\(whole)`: octet \(octet) is out of range"))
            }
            if octet.count > 1, octet.first == "0" {
                return .failure(CIDRError("`\(whole)`: octet `\(octet)` has a leading zero"))
            }
            address = address << 8 | value
        }
        return .success(address)
    }

    /// Formats an address in dotted form, e.g. `10.0.2.0`.
    public static func format(address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }

    /// The prefix in CIDR notation, e.g. `10.0.0.0/16`.
    public var description: String { "\(Self.format(address: address))/\(prefixLength)" }

    /// The network mask, e.g. `0xFFFF_0000` for `/16`.
    public var netmask: UInt32 {
        let length = min(max(prefixLength, 0), 32)
        return length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// How many addresses the prefix holds.
    public var addressCount: UInt64 {
        UInt64(1) << UInt64(32 - min(max(prefixLength, 0), 32))
    }

    /// The last address of the prefix (the broadcast address).
    public var lastAddress: UInt32 { (address & netmask) | ~netmask }

    /// Whether `other` lies entirely inside this prefix.
    public func contains(_ other: IPv4CIDR) -> Bool {
        other.prefixLength >= prefixLength && (other.address & netmask) == (address & netmask)
    }

    /// Whether the two prefixes share any address.
    public func overlaps(_ other: IPv4CIDR) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The `netnum`-th subnet with `newbits` more prefix bits, as Terraform's `cidrsubnet` computes it.
    public func subnet(newbits: Int, netnum: Int) -> Result<IPv4CIDR, CIDRError> {
        guard newbits >= 0 else {
            return .failure(CIDRError("`\(self)`: the number of new bits must not be negative, got \(newbits)"))
        }
        let newPrefix = prefixLength + newbits
        guard newPrefix <= 32 else {
            return .failure(
                CIDRError(
                    "not enough remaining address space: cannot extend `\(self)` by \(newbits) bits (at most \(32 - prefixLength))"
                ))
        }
        let count = UInt64(1) << UInt64(newbits)
        guard netnum >= 0, UInt64(netnum) < count else {
            return .failure(
                CIDRError(
                    "`\(self)` extended by \(newbits) bits has \(count) subnets (0-\(count - 1)); subnet number \(netnum) is out of range"
                ))
        }
        let shift = UInt64(32 - newPrefix)
        let offset = UInt32(truncatingIfNeeded: UInt64(netnum) << shift)
        return .success(IPv4CIDR(address: (address & netmask) | offset, prefixLength: newPrefix))
    }

    /// The address of host number `number` in the prefix; negative numbers count back from the last address.
    public func host(_ number: Int) -> Result<UInt32, CIDRError> {
        let count = addressCount
        var index = Int64(number)
        if index < 0 { index += Int64(count) }
        guard index >= 0, UInt64(index) < count else {
            return .failure(
                CIDRError("`\(self)` has \(count) addresses; host number \(number) is out of range"))
        }
        return .success((address & netmask) | UInt32(truncatingIfNeeded: index))
    }
}
