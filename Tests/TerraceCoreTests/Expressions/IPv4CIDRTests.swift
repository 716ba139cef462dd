import Testing

@testable import TerraceCore

@Suite struct IPv4CIDRTests {
    private func message(_ text: String) -> String? {
        if case .failure(let error) = IPv4CIDR.parse(text) { return error.message }
        return nil
    }

    @Test func parsesValidPrefixes() throws {
        let cidr = try IPv4CIDR.parse("10.1.0.0/16").get()
        #expect(cidr.address == 0x0A01_0000)
        #expect(cidr.prefixLength == 16)
        #expect(cidr.description == "10.1.0.0/16")
        #expect(cidr.netmask == 0xFFFF_0000)
        #expect(cidr.addressCount == 65536)
        #expect(IPv4CIDR.format(address: cidr.lastAddress) == "10.1.255.255")
        #expect(try IPv4CIDR.parse("0.0.0.0/0").get().netmask == 0)
        #expect(try IPv4CIDR.parse("192.168.1.7/32").get().addressCount == 1)
    }

    @Test func errors() {
        #expect(message("10.0.0.0/33") == "`10.0.0.0/33`: prefix length must be 0-32")
        #expect(message("10.0.0.1/16") == "`10.0.0.1/16` has host bits set; did you mean `10.0.0.0/16`?")
        #expect(message("10.0.256.0/16") == "`10.0.256.0/16`: octet 256 is out of range")
        #expect(message("10.0.0.0") == "`10.0.0.0`: missing prefix length, e.g. `10.0.0.0/16`")
        #expect(message("10.0.0/16") == "`10.0.0/16`: expected an address of four octets such as `10.0.0.0`")
        #expect(message("10.0.x.0/16") == "`10.0.x.0/16`: `x` is not a valid octet")
        #expect(message("10.0.01.0/24") == "`10.0.01.0/24`: octet `01` has a leading zero")
        #expect(message("10.0.0.0/") == "`10.0.0.0/`: prefix length must be 0-32")
        #expect(message("10.0.0.0/-1") == "`10.0.0.0/-1`: prefix length must be 0-32")
        #expect(message("10.0.0.0/8/8") == "`10.0.0.0/8/8`: expected one `/` between the address and the prefix length")
        #expect(message("10..0.0/8") == "`10..0.0/8`: empty octet; expected an address such as `10.0.0.0`")
        #expect(
            message("99999999999999999999.0.0.0/8")
                == "`99999999999999999999.0.0.0/8`: octet 99999999999999999999 is out of range")
        #expect(message("fd00::/8")?.contains("IPv6") == true)
        #expect(message("") != nil)
    }

    @Test func allowHostBitsClearsThem() throws {
        #expect(try IPv4CIDR.parse("10.0.0.1/16", allowHostBits: true).get().description == "10.0.0.0/16")
    }

    @Test func subnets() throws {
        let base = try IPv4CIDR.parse("10.0.0.0/16").get()
        #expect(try base.subnet(newbits: 8, netnum: 255).get().description == "10.0.255.0/24")
        #expect(try base.subnet(newbits: 16, netnum: 65535).get().description == "10.0.255.255/32")
        let all = try IPv4CIDR.parse("0.0.0.0/0").get()
        #expect(try all.subnet(newbits: 32, netnum: 4_294_967_295).get().description == "255.255.255.255/32")
        #expect(try all.subnet(newbits: 1, netnum: 1).get().description == "128.0.0.0/1")
        guard case .failure(let error) = base.subnet(newbits: 17, netnum: 0) else {
            Issue.record("expected an error")
            return
        }
        #expect(
            error.message == "not enough remaining address space: cannot extend `10.0.0.0/16` by 17 bits (at most 16)")
        if case .success = base.subnet(newbits: -1, netnum: 0) { Issue.record("negative newbits accepted") }
        if case .success = base.subnet(newbits: 4, netnum: -1) { Issue.record("negative netnum accepted") }
    }

    @Test func hostsAndOverlap() throws {
        let base = try IPv4CIDR.parse("10.12.112.0/20").get()
        #expect(IPv4CIDR.format(address: try base.host(16).get()) == "10.12.112.16")
        #expect(IPv4CIDR.format(address: try base.host(-2).get()) == "10.12.127.254")
        if case .success = base.host(4096) { Issue.record("host 4096 accepted") }
        if case .success = base.host(-4097) { Issue.record("host -4097 accepted") }
        let inner = try IPv4CIDR.parse("10.12.113.0/24").get()
        let outside = try IPv4CIDR.parse("10.13.0.0/16").get()
        #expect(base.contains(inner))
        #expect(!inner.contains(base))
        #expect(inner.overlaps(base))
        #expect(!base.overlaps(outside))
        #expect(try IPv4CIDR.parseAddress("1.2.3.4").get() == 0x0102_0304)
    }
}
