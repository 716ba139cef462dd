import Testing

@testable import TerraceCore

// Expected results are Terraform 1.11's (`terraform console`).

private func call(_ name: String, _ arguments: TypedValue...) throws -> TypedValue {
    try BuiltinCall.call(name, arguments)
}

private func s(_ text: String) -> TypedValue { .string(text) }
private func n(_ literal: String) -> TypedValue { .number(Number(parsing: literal)!) }
private func strings(_ texts: String...) -> TypedValue { .list(texts.map(TypedValue.string), .string) }

private func failure(_ message: String, argument: Int? = nil) -> FunctionError {
    FunctionError(argument: argument, message)
}

@Suite struct NetworkFunctionTests {
    @Test func cidrhostIPv4() throws {
        #expect(try call("cidrhost", s("10.12.112.0/20"), n("16")) == s("10.12.112.16"))
        #expect(try call("cidrhost", s("10.12.112.0/20"), n("268")) == s("10.12.113.12"))
        #expect(try call("cidrhost", s("10.12.112.0/20"), n("-1")) == s("10.12.127.255"))
        #expect(try call("cidrhost", s("10.0.0.0/32"), n("0")) == s("10.0.0.0"))
        #expect(try call("cidrhost", s("010.001.0.0/16"), n("1")) == s("10.1.0.1"))
        #expect(throws: failure("prefix of 30 does not accommodate a host numbered 4")) {
            try call("cidrhost", s("10.0.0.0/30"), n("4"))
        }
        // go-cidr reports the already-mapped number for a negative host number.
        #expect(throws: failure("prefix of 30 does not accommodate a host numbered -1")) {
            try call("cidrhost", s("10.0.0.0/30"), n("-5"))
        }
        #expect(throws: failure("value must be a whole number")) { try call("cidrhost", s("10.0.0.0/8"), n("1.5")) }
        #expect(throws: failure("invalid CIDR expression: invalid CIDR address: 10.0.0.0")) {
            try call("cidrhost", s("10.0.0.0"), n("1"))
        }
        #expect(throws: failure("invalid CIDR expression: invalid CIDR address: 10.0.0.256/8")) {
            try call("cidrhost", s("10.0.0.256/8"), n("1"))
        }
        // Go panics (and Terraform reports it) when the host number's low 64 bits wrap around.
        #expect(throws: failure("panic in function implementation: runtime error: index out of range [-1]")) {
            try call("cidrhost", s("10.0.0.0/8"), n("9223372036854775808"))
        }
    }

    @Test func cidrhostIPv6() throws {
        #expect(try call("cidrhost", s("fd00:fd12:3456:7890::/56"), n("34")) == s("fd00:fd12:3456:7800::22"))
        #expect(
            try call("cidrhost", s("fd00:fd12:3456:7890::/56"), n("-1")) == s("fd00:fd12:3456:78ff:ffff:ffff:ffff:ffff"))
        #expect(
            try call("cidrhost", s("::/0"), n("340282366920938463463374607431768211455"))
                == s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        #expect(throws: failure("panic in function implementation: runtime error: index out of range [-1]")) {
            try call("cidrhost", s("::/0"), n("340282366920938463463374607431768211456"))
        }
        #expect(try call("cidrhost", s("2001:db8::/126"), n("3")) == s("2001:db8::3"))
        #expect(try call("cidrhost", s("::ffff:10.0.0.0/104"), n("5")) == s("0:5::ffff:a00:0"))
        #expect(try call("cidrhost", s("2001:0db8:0000:0000:0000:0000:0000:0001/128"), n("0")) == s("2001:db8::1"))
        #expect(try call("cidrhost", s("1::1:0:0:1/128"), n("0")) == s("1::1:0:0:1"))
        #expect(try call("cidrhost", s("1:0:0:1::1/128"), n("0")) == s("1:0:0:1::1"))
    }

    @Test func cidrnetmask() throws {
        #expect(try call("cidrnetmask", s("172.16.0.0/12")) == s("255.240.0.0"))
        #expect(try call("cidrnetmask", s("10.0.0.0/0")) == s("0.0.0.0"))
        #expect(try call("cidrnetmask", s("10.0.0.0/32")) == s("255.255.255.255"))
        #expect(try call("cidrnetmask", s("::ffff:10.0.0.0/104")) == s("ffff:ffff:ffff:ffff:ffff:ffff:ff00:0"))
        #expect(throws: failure("IPv6 addresses cannot have a netmask: fd00::/64")) {
            try call("cidrnetmask", s("fd00::/64"))
        }
        #expect(throws: failure("invalid CIDR expression: invalid CIDR address: 10.0.0.0/33")) {
            try call("cidrnetmask", s("10.0.0.0/33"))
        }
    }

    @Test func cidrsubnet() throws {
        #expect(try call("cidrsubnet", s("172.16.0.0/12"), n("4"), n("2")) == s("172.18.0.0/16"))
        #expect(try call("cidrsubnet", s("10.1.2.0/24"), n("4"), n("15")) == s("10.1.2.240/28"))
        #expect(
            try call("cidrsubnet", s("fd00:fd12:3456:7890::/56"), n("16"), n("162")) == s("fd00:fd12:3456:7800:a200::/72"))
        #expect(try call("cidrsubnet", s("10.0.0.0/8"), n("8"), n("-1")) == s("0.1.0.0/16"))
        #expect(try call("cidrsubnet", s("10.0.0.0/16"), n("-8"), n("0")) == s("10.0.0.0/8"))
        #expect(try call("cidrsubnet", s("10.0.0.0/8"), n("-9"), n("0")) == s("<nil>"))
        #expect(try call("cidrsubnet", s("::/0"), n("64"), n("18446744073709551615")) == s("ffff:ffff:ffff:ffff::/64"))
        #expect(try call("cidrsubnet", s("::/0"), n("65"), n("18446744073709551616")) == s("8000::/65"))
        #expect(throws: failure("prefix extension of 8 does not accommodate a subnet numbered 256")) {
            try call("cidrsubnet", s("10.0.0.0/8"), n("8"), n("256"))
        }
        #expect(throws: failure("insufficient address space to extend prefix of 8 by 25")) {
            try call("cidrsubnet", s("10.0.0.0/8"), n("25"), n("0"))
        }
        #expect(
            throws: failure("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
        ) { try call("cidrsubnet", s("10.0.0.0/8"), n("1.5"), n("0")) }
        #expect(throws: failure("value must be a whole number")) {
            try call("cidrsubnet", s("10.0.0.0/8"), n("4"), n("0.5"))
        }
    }

    @Test func cidrsubnets() throws {
        #expect(
            try call("cidrsubnets", s("10.1.0.0/16"), n("4"), n("4"), n("8"), n("4"))
                == strings("10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"))
        #expect(
            try call("cidrsubnets", s("fd00:fd12:3456:7890::/56"), n("16"), n("16"), n("16"), n("32"))
                == strings(
                    "fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72", "fd00:fd12:3456:7800:200::/72",
                    "fd00:fd12:3456:7800:300::/88"))
        #expect(try call("cidrsubnets", s("10.0.0.0/8")) == strings())
        #expect(try call("cidrsubnets", s("255.255.255.0/24"), n("1"), n("1")) == strings("255.255.255.0/25", "255.255.255.128/25"))
        #expect(throws: failure("must extend prefix by at least one bit", argument: 1)) {
            try call("cidrsubnets", s("10.0.0.0/8"), n("0"))
        }
        #expect(throws: failure("may not extend prefix by more than 32 bits", argument: 1)) {
            try call("cidrsubnets", s("10.0.0.0/8"), n("33"))
        }
        #expect(throws: failure("would extend prefix to 33 bits, which is too long for an IPv4 address", argument: 1)) {
            try call("cidrsubnets", s("10.0.0.0/30"), n("3"))
        }
        #expect(
            throws: failure(
                "not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31", argument: 3)
        ) { try call("cidrsubnets", s("10.0.0.0/30"), n("1"), n("1"), n("1")) }
        #expect(
            throws: failure(
                "not enough remaining address space for a subnet with a prefix of 26 bits after 10.0.0.128/25",
                argument: 3)
        ) { try call("cidrsubnets", s("10.0.0.0/24"), n("2"), n("1"), n("2")) }
        #expect(
            throws: failure(
                "not enough remaining address space for a subnet with a prefix of 1 bits after 128.0.0.0/1", argument: 1)
        ) { try call("cidrsubnets", s("0.0.0.0/0"), n("1"), n("1")) }
        #expect(
            throws: failure(
                "not enough remaining address space for a subnet with a prefix of 112 bits after <nil>", argument: 1)
        ) { try call("cidrsubnets", s("::ffff:10.0.0.0/104"), n("8"), n("8")) }
        #expect(throws: failure("invalid CIDR expression: invalid CIDR address: x", argument: 0)) {
            try call("cidrsubnets", s("x"), n("1"))
        }
        #expect(
            throws: failure(
                "value must be a whole number, between -9223372036854775808 and 9223372036854775807", argument: 1)
        ) { try call("cidrsubnets", s("10.0.0.0/8"), n("1.5")) }
    }
}
