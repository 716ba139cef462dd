/// Where Terrace keeps its record of what was applied, one record per infrastructure.
///
/// `TerraceLocal.LocalDirectoryStateStore` keeps JSON files in a folder; ``InMemoryStateStore`` serves tests;
/// the S3 store keeps the record next to the Terraform state.
public protocol StateStore: Sendable {
    /// The record of `infrastructure`, or nil when nothing was applied yet.
    func load(infrastructure: String) async throws(StateStoreError) -> InfrastructureRecord?
    /// Replaces the record of `record.infrastructure`.
    func save(_ record: InfrastructureRecord) async throws(StateStoreError)
    /// Removes the record of `infrastructure`.
    func remove(infrastructure: String) async throws(StateStoreError)
    /// The names of all infrastructures with a record.
    func infrastructures() async throws(StateStoreError) -> [String]
    /// The units of `infrastructure` that have Terraform state where this store keeps it, recorded or not
    /// (a unit that failed during its first apply has state but no record).
    func unitsWithState(infrastructure: String) async throws(StateStoreError) -> [String]
    /// Forgets the Terraform state of a unit that was destroyed.
    func removeUnitState(infrastructure: String, unit: String) async throws(StateStoreError)
    /// Keeps a file for people beside the record (the cluster's `kubeconfig`); it must hold no secret.
    func saveArtifact(infrastructure: String, name: String, contents: [UInt8]) async throws(StateStoreError)
    /// Removes a file kept by ``saveArtifact(infrastructure:name:contents:)``; nothing when there is none.
    func removeArtifact(infrastructure: String, name: String) async throws(StateStoreError)
}

extension StateStore {
    /// Stores that do not hold Terraform state know of none.
    public func unitsWithState(infrastructure: String) async throws(StateStoreError) -> [String] { [] }

    /// Stores that do not hold Terraform state have none to forget.
    public func removeUnitState(infrastructure: String, unit: String) async throws(StateStoreError) {}

    /// Stores without a place for files for people keep none.
    public func saveArtifact(infrastructure: String, name: String, contents: [UInt8]) async throws(StateStoreError) {}

    /// Stores without a place for files for people have none to remove.
    public func removeArtifact(infrastructure: String, name: String) async throws(StateStoreError) {}
}

/// A state store could not be read or written.
public struct StateStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        case unreadable
        case corrupt
        case unwritable
    }

    /// The kind of failure.
    public var code: Code
    /// A one-line message safe to show.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// A state store held in memory.
public actor InMemoryStateStore: StateStore {
    private var records: [String: InfrastructureRecord]

    /// Creates a store holding `records`.
    public init(records: [InfrastructureRecord] = []) {
        self.records = Dictionary(records.map { ($0.infrastructure, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func load(infrastructure: String) throws(StateStoreError) -> InfrastructureRecord? {
        records[infrastructure]
    }

    public func save(_ record: InfrastructureRecord) throws(StateStoreError) {
        records[record.infrastructure] = record
    }

    public func remove(infrastructure: String) throws(StateStoreError) {
        records[infrastructure] = nil
    }

    public func infrastructures() throws(StateStoreError) -> [String] {
        records.keys.sorted()
    }

    /// Units with (simulated) Terraform state but no record, by infrastructure: what a failed first apply leaves.
    private var unrecordedState: [String: Set<String>] = [:]

    /// Records that `unit` has Terraform state without a record (for tests).
    public func addUnrecordedState(infrastructure: String, unit: String) {
        unrecordedState[infrastructure, default: []].insert(unit)
    }

    public func unitsWithState(infrastructure: String) throws(StateStoreError) -> [String] {
        Set(records[infrastructure]?.units.keys.map { $0 } ?? []).union(unrecordedState[infrastructure] ?? []).sorted()
    }

    public func removeUnitState(infrastructure: String, unit: String) throws(StateStoreError) {
        unrecordedState[infrastructure]?.remove(unit)
    }

    /// Files kept for people, by infrastructure and name.
    public private(set) var artifacts: [String: [String: [UInt8]]] = [:]

    public func saveArtifact(infrastructure: String, name: String, contents: [UInt8]) throws(StateStoreError) {
        artifacts[infrastructure, default: [:]][name] = contents
    }

    public func removeArtifact(infrastructure: String, name: String) throws(StateStoreError) {
        artifacts[infrastructure]?[name] = nil
    }
}
