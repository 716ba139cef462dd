/// A plan could not be computed: the problems found while rendering inputs.
public struct PlanFailure: Error, Hashable, Sendable {
    /// Every problem, sorted by location.
    public var diagnostics: [Diagnostic]

    /// Creates a failure.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}
