import Foundation
import Testing

@testable import TerraceCore

/// A store whose first save is slow: a later save, started while it is in flight, would land first if saves were not
/// kept in order, and the slow one would then overwrite it with an older record.
private actor SlowFirstSaveStore: StateStore {
    private(set) var saved: InfrastructureRecord?
    private var saves = 0

    func load(infrastructure: String) -> InfrastructureRecord? { saved }
    func save(_ record: InfrastructureRecord) async {
        saves += 1
        if saves == 1 { try? await Task.sleep(for: .milliseconds(300)) }
        saved = record
    }
    func remove(infrastructure: String) { saved = nil }
    func infrastructures() -> [String] { saved.map { [$0.infrastructure] } ?? [] }
}

@Suite struct RecordKeeperTests {
    static func unit(_ digest: String) -> UnitRecord {
        UnitRecord(digest: digest, moduleDigest: "m", settingsDigest: "s", inputDigests: [:], module: "m", appliedAt: Date())
    }

    @Test func savesLandInTheOrderTheRecordChanged() async throws {
        let store = SlowFirstSaveStore()
        let keeper = RecordKeeper(record: InfrastructureRecord(infrastructure: "dev"), store: store)
        async let first: Void = keeper.applied("network", Self.unit("n"))
        // The second unit finishes while the first save is still in flight.
        try await Task.sleep(for: .milliseconds(50))
        try await keeper.applied("domain", Self.unit("d"))
        try await first
        let saved = try #require(await store.saved)
        #expect(Set(saved.units.keys) == ["network", "domain"])
    }
}
