/// A section of an infrastructure manifest that becomes a built-in unit backed by a module Terrace ships.
public enum BuiltinSection: String, Hashable, Sendable, CaseIterable, Comparable {
    case backend
    case network
    case domain
    case kubernetes
    case addons

    /// The built-in module's path below the bundled modules folder, e.g. `aws/network`.
    public func modulePath(provider: String) -> String { "\(provider)/\(rawValue)" }

    public static func < (lhs: BuiltinSection, rhs: BuiltinSection) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
