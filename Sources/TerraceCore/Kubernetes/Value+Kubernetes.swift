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

    /// Parses JSON into a value.
    public static func parseJSON(_ bytes: [UInt8]) -> Value? {
        try? JSONDecoder().decode(Value.self, from: Data(bytes))
    }

    /// The value with `key` of a map set to `value` (a map is made when the value is not one).
    public func setting(_ key: String, to value: Value) -> Value {
        guard case .map(var entries) = self else { return .map([key: value]) }
        entries[key] = value
        return .map(entries)
    }
}
