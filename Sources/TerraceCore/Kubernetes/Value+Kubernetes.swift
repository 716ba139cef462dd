import Foundation

extension Value {
    /// The entry `key` of a map, or nil.
    public subscript(key: String) -> Value? {
        guard case .map(let entries) = self else { return nil }
        return entries[key]
    }

    /// The text of a string value, or nil.
    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The items of a list value, or nil.
    public var listValue: [Value]? {
        guard case .list(let items) = self else { return nil }
        return items
    }

    /// The whole number of a number value, or nil.
    public var intValue: Int? {
        guard case .number(let number) = self else { return nil }
        return number.intValue
    }

    /// The condition of `type` in `status.conditions`, as Kubernetes objects report them.
    public func condition(_ type: String) -> Value? {
        self["status"]?["conditions"]?.listValue?.first { $0["type"]?.stringValue == type }
    }

    /// Parses JSON into a value (numbers exactly, as ``Number``), or nil when it is not JSON. Kubernetes answers are
    /// large and deeply nested (CRD schemas, managed fields): one pass of a byte reader, no decoder containers.
    public static func parseJSON(_ bytes: [UInt8]) -> Value? {
        bytes.withUnsafeBufferPointer { buffer -> Value? in
            var reader = JSONReader(buffer)
            guard let node = try? reader.readDocument() else { return nil }
            return Value(json: node)
        }
    }

    /// The value of a parsed JSON node; of a repeated key, the last one counts (as Foundation's decoder has it).
    init?(json node: JSONReader.Node) {
        switch node {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let text):
            guard let number = Number(parsing: text) else { return nil }
            self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items {
                guard let value = Value(json: item) else { return nil }
                values.append(value)
            }
            self = .list(values)
        case .object(let entries):
            var map: [String: Value] = [:]
            map.reserveCapacity(entries.count)
            for entry in entries {
                guard let value = Value(json: entry.value) else { return nil }
                map[entry.key] = value
            }
            self = .map(map)
        }
    }

    /// The value with `key` of a map set to `value` (a map is made when the value is not one).
    public func setting(_ key: String, to value: Value) -> Value {
        guard case .map(var entries) = self else { return .map([key: value]) }
        entries[key] = value
        return .map(entries)
    }
}
