/// An app declared in `terrace.yaml`: added to every infrastructure that has a cluster, or only to those named in
/// `infrastructures`.
public struct ProjectApp: Hashable, Sendable {
    /// The app's unit, as decoded (its templates are rendered per infrastructure).
    public var unit: UnitSpec
    /// The infrastructures the app is limited to; nil for all.
    public var infrastructures: [Located<String>]?

    /// Creates a project app.
    public init(unit: UnitSpec, infrastructures: [Located<String>]? = nil) {
        self.unit = unit
        self.infrastructures = infrastructures
    }

    /// Whether the app belongs in `infrastructure`.
    public func applies(to infrastructure: String) -> Bool {
        infrastructures?.contains { $0.value == infrastructure } ?? true
    }
}
