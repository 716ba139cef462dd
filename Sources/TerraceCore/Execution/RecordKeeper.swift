/// The record of one infrastructure during a run: units finishing concurrently update it one at a time,
/// and every change is saved at once, so a crash loses nothing that was applied.
actor RecordKeeper {
    private(set) var record: InfrastructureRecord
    private let store: any StateStore

    init(record: InfrastructureRecord, store: any StateStore) {
        self.record = record
        self.store = store
    }

    /// Records a unit as applied and saves the record.
    func applied(_ unit: String, _ unitRecord: UnitRecord) async throws(StateStoreError) {
        record.units[unit] = unitRecord
        try await store.save(record)
    }

    /// Forgets a destroyed unit and saves the record.
    func destroyed(_ unit: String) async throws(StateStoreError) {
        record.units[unit] = nil
        try await store.save(record)
    }

    /// The recorded unit, if any.
    func unit(_ name: String) -> UnitRecord? { record.units[name] }
}
