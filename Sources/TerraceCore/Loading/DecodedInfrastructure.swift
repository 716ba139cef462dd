/// An infrastructure as far as its manifest could be decoded.
struct DecodedInfrastructure {
    /// What could be decoded.
    let infrastructure: Infrastructure
    /// Whether the manifest had no problems.
    let isComplete: Bool
    /// Built-in sections that had problems; their missing required inputs were already reported.
    let incompleteUnits: Set<String>
}
