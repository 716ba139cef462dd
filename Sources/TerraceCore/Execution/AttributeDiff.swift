/// The attribute-level difference between two values of one resource or object, for plans people review.
///
/// Maps and lists are walked down to scalars; a path is `a.b[0].c`. Values marked sensitive show as
/// `(sensitive)`, unknown ones as `(known after apply)`; nothing sensitive is ever rendered.
public enum AttributeDiff {
    /// What a sensitive value shows instead of itself.
    public static let sensitive = "(sensitive)"
    /// What a value known only after apply shows.
    public static let unknown = "(known after apply)"
    /// The most attribute changes listed for one resource; the rest are counted in a last line.
    public static let limit = 200

    /// The changed attributes between `before` and `after`.
    ///
    /// - Parameters:
    ///   - isSensitive: whether the value at a path is sensitive (before or after).
    ///   - isUnknown: whether the value at a path is known only after apply.
    ///   - unknownPaths: paths known only after apply that `after` leaves out (Terraform's `after_unknown`).
    public static func changes(
        before: Value?, after: Value?, isSensitive: (String) -> Bool = { _ in false }, isUnknown: (String) -> Bool = { _ in false },
        unknownPaths: [String] = []
    ) -> [AttributeChange] {
        var old: [String: Value] = [:]
        var new: [String: Value] = [:]
        if let before { flatten(before, path: "", into: &old) }
        if let after { flatten(after, path: "", into: &new) }
        var changes: [AttributeChange] = []
        var laterKnown: [String] = []
        for path in Set(old.keys).union(new.keys).union(unknownPaths.filter { !$0.isEmpty }).sorted() {
            let was = old[path], will = new[path]
            if was == will, !isUnknown(path) { continue }
            // A new attribute left null is not shown (as Terraform shows plans).
            if was == nil, will == .null, !isUnknown(path) { continue }
            // New attributes the provider fills in are listed together, not one row each.
            if was == nil, isUnknown(path) || will == .unknown {
                laterKnown.append(path)
                continue
            }
            let sensitive = isSensitive(path)
            changes.append(AttributeChange(
                path: path, before: was.map { sensitive ? Self.sensitive : render($0) },
                after: isUnknown(path) || will == .unknown ? Self.unknown : will.map { sensitive ? Self.sensitive : render($0) }))
        }
        if !laterKnown.isEmpty {
            changes.append(AttributeChange(path: "(\(laterKnown.count) more, \(unknown))", before: nil, after: laterKnown.joined(separator: ", ")))
        }
        if changes.count > limit {
            let more = changes.count - limit
            changes = Array(changes.prefix(limit))
            changes.append(AttributeChange(path: "(\(more) more attributes)", before: nil, after: nil))
        }
        return changes
    }

    /// Scalars (and empty collections) of `value` by path.
    public static func flatten(_ value: Value, path: String, into result: inout [String: Value]) {
        switch value {
        case .map(let entries) where !entries.isEmpty:
            for (key, entry) in entries {
                let simple = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                let next = path.isEmpty ? (simple ? key : "[\(Value.string(key).canonicalJSON)]")
                    : simple ? "\(path).\(key)" : "\(path)[\(Value.string(key).canonicalJSON)]"
                flatten(entry, path: next, into: &result)
            }
        case .list(let items) where !items.isEmpty:
            for (index, item) in items.enumerated() { flatten(item, path: "\(path)[\(index)]", into: &result) }
        default:
            if !path.isEmpty { result[path] = value }
        }
    }

    /// A value as people read it in a plan: strings quoted, other scalars as JSON, collections in JSON.
    public static func render(_ value: Value) -> String {
        if case .unknown = value { return unknown }
        let text = value.canonicalJSON
        return text.count > 2_000 ? String(text.prefix(2_000)) + "…" : text
    }
}
