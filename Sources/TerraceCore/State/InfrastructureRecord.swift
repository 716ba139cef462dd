/// What Terrace recorded about one infrastructure: a record per applied unit.
public struct InfrastructureRecord: Codable, Hashable, Sendable {
    /// The format of this record, for future migrations.
    public var formatVersion: Int
    /// The infrastructure's name.
    public var infrastructure: String
    /// The applied units, by name.
    public var units: [String: UnitRecord]

    /// Creates a record.
    public init(infrastructure: String, units: [String: UnitRecord] = [:]) {
        self.formatVersion = 1
        self.infrastructure = infrastructure
        self.units = units
    }
}
