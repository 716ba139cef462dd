/// The record of one infrastructure during a run: units finishing concurrently update it one at a time,
/// and every change is saved at once, so a crash loses nothing that was applied.
actor RecordKeeper {
    private(set) var record: InfrastructureRecord
    private let store: any StateStore
    /// The last save started: each save waits for it, so the saves land in the order their snapshots were taken
    /// (two in flight at once could otherwise land older-last and lose a unit's record).
    private var lastSave: Task<Result<Void, StateStoreError>, Never>?

    init(record: InfrastructureRecord, store: any StateStore) {
        self.record = record
        self.store = store
    }

    /// Records a unit as applied and saves the record.
    func applied(_ unit: String, _ unitRecord: UnitRecord) async throws(StateStoreError) {
        record.units[unit] = unitRecord
        try await save()
    }

    /// Forgets a destroyed unit and saves the record.
    func destroyed(_ unit: String) async throws(StateStoreError) {
        record.units[unit] = nil
        try await save()
    }

    /// Saves the record even when the run is being cancelled (a service shutting down): what Terraform applied
    /// before it stopped must be recorded.
    private func save() async throws(StateStoreError) {
        let store = self.store
        let record = self.record
        let previous = lastSave
        let save = Task.detached { () -> Result<Void, StateStoreError> in
            _ = await previous?.value
            do throws(StateStoreError) {
                try await store.save(record)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        lastSave = save
        try await save.value.get()
    }

    /// The recorded unit, if any.
    func unit(_ name: String) -> UnitRecord? { record.units[name] }
}
