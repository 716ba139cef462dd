import Foundation
import TerraceCore

/// Keeps each infrastructure's record as `<folder>/<name>.json`, written atomically.
public struct LocalDirectoryStateStore: StateStore {
    /// The folder holding the records.
    public let directory: String

    /// Creates a store in `directory` (created on first save).
    public init(directory: String) {
        self.directory = directory
    }

    private func path(_ infrastructure: String) -> String {
        directory + "/" + infrastructure + ".json"
    }

    public func load(infrastructure: String) async throws(StateStoreError) -> InfrastructureRecord? {
        let path = path(infrastructure)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateStoreError(.unreadable, "cannot read the state record `\(path)`")
        }
        do {
            return try RecordCoding.decoder.decode(InfrastructureRecord.self, from: data)
        } catch {
            throw StateStoreError(.corrupt, "the state record `\(path)` is not valid: \(RecordCoding.describe(error))")
        }
    }

    public func save(_ record: InfrastructureRecord) async throws(StateStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let data = try RecordCoding.encoder.encode(record)
            try data.write(to: URL(fileURLWithPath: path(record.infrastructure)), options: .atomic)
        } catch {
            throw StateStoreError(.unwritable, "cannot write the state record of `\(record.infrastructure)` in `\(directory)`")
        }
    }

    public func remove(infrastructure: String) async throws(StateStoreError) {
        let path = path(infrastructure)
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw StateStoreError(.unwritable, "cannot remove the state record `\(path)`")
        }
    }

    public func infrastructures() async throws(StateStoreError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }
}
