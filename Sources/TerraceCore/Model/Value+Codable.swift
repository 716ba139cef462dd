extension Value: Codable {
    /// Decodes any JSON value; `unknown` is never decoded.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let whole = try? container.decode(Int64.self) {
            self = .number(Number(Int(whole)))
        } else if let number = try? container.decode(Double.self) {
            // Read back as the decimal text it was written as, the way Terraform reads a JSON number.
            self = .number(Number(parsing: "\(number)") ?? Number(number))
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([Value].self) {
            self = .list(items)
        } else {
            self = .map(try container.decode([String: Value].self))
        }
    }

    /// Encodes the value as plain JSON; `unknown` is encoded as null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null, .unknown: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number):
            if let whole = number.intValue { try container.encode(Int64(whole)) } else { try container.encode(number.doubleValue) }
        case .string(let text): try container.encode(text)
        case .list(let items): try container.encode(items)
        case .map(let entries): try container.encode(entries)
        }
    }
}
