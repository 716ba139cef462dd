import Foundation

/// The state of one infrastructure as the service keeps it: conditions, revisions, units and outputs.
public struct InfrastructureStatus: Codable, Hashable, Sendable {
    /// The infrastructure's name.
    public var name: String
    /// Its manifest, relative to the repository path.
    public var file: String?
    /// `Ready`, `Reconciling`, `Stalled`.
    public var conditions: [Condition]
    /// The newest revision whose desired state is fully applied.
    public var lastAppliedRevision: String?
    /// The newest revision a run was started for.
    public var lastAttemptedRevision: String?
    /// The newest run's id.
    public var lastRunID: String?
    /// The units, by name order.
    public var units: [UnitStatus]
    /// Each unit's recorded outputs, sensitive ones replaced by ``redacted``.
    public var outputs: [String: [String: Value]]
    /// When drift was last checked.
    public var lastDriftCheck: Date?

    /// What a sensitive output shows instead of its value.
    public static let redacted = "(sensitive)"

    /// Creates a status.
    public init(
        name: String, file: String? = nil, conditions: [Condition] = [], lastAppliedRevision: String? = nil,
        lastAttemptedRevision: String? = nil, lastRunID: String? = nil, units: [UnitStatus] = [],
        outputs: [String: [String: Value]] = [:], lastDriftCheck: Date? = nil
    ) {
        self.name = name
        self.file = file
        self.conditions = conditions
        self.lastAppliedRevision = lastAppliedRevision
        self.lastAttemptedRevision = lastAttemptedRevision
        self.lastRunID = lastRunID
        self.units = units
        self.outputs = outputs
        self.lastDriftCheck = lastDriftCheck
    }

    /// Runs `change` on the status of unit `name`, adding it when missing.
    public mutating func updateUnit(_ name: String, _ change: (inout UnitStatus) -> Void) {
        if let index = units.firstIndex(where: { $0.name == name }) {
            change(&units[index])
        } else {
            var unit = UnitStatus(name: name)
            change(&unit)
            units.append(unit)
            units.sort { $0.name < $1.name }
        }
    }

    /// The outputs of `record`, with sensitive values replaced by ``redacted``.
    public static func redactedOutputs(_ record: InfrastructureRecord) -> [String: [String: Value]] {
        record.units.mapValues { unit in
            var outputs = unit.outputs
            for name in unit.sensitiveOutputs where outputs[name] != nil { outputs[name] = .string(redacted) }
            return outputs
        }
    }

    /// Records that the desired state of `revision` is applied without a run (nothing had changed): the revision,
    /// the recorded outputs, and `Ready` for the infrastructure and `units`, unless drift is known.
    public mutating func markApplied(revision: String, record: InfrastructureRecord?, units: [String], at now: Date) {
        lastAppliedRevision = revision
        if let record { outputs = Self.redactedOutputs(record) }
        guard !self.units.contains(where: { $0.drift != nil }) else { return }
        conditions.markReady("revision \(revision.prefix(12)) is applied", at: now)
        for unit in units {
            updateUnit(unit) { $0.conditions.markReady("up to date", at: now) }
        }
    }
}
