import Foundation
import Testing
import TerraceCore
import TerracePostgres
import TerraceSQLite
import TerraceTestSupport

/// Two replicas (two stores, two connections to one database) hammering one infrastructure's status and the
/// source's status with many small read-modify-write updates: none is lost.
@Suite struct AtomicStatusTests {
    static let updatesPerWorker = 25
    static let workersPerReplica = 3

    /// Replica `tag`'s workers each add their own units, bump their own counter in the outputs, and append to the
    /// source's errors, one small update at a time.
    static func hammer(_ store: SQLServiceStore, tag: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workersPerReplica {
                group.addTask {
                    for index in 0..<updatesPerWorker {
                        let unit = "\(tag)\(worker)-\(index)"
                        try await store.updateInfrastructure("shared") { status in
                            status.updateUnit(unit) { $0.phase = "apply" }
                            let key = "\(tag)\(worker)"
                            let count: Int
                            if case .string(let text)? = status.outputs["counters"]?[key] { count = Int(text) ?? 0 } else { count = 0 }
                            status.outputs["counters", default: [:]][key] = .string(String(count + 1))
                        }
                        try await store.updateSource(initial: SourceStatus(url: "git://x", branch: "main", path: "")) { source in
                            source.errors.append(unit)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func check(_ store: SQLServiceStore) async throws {
        let status = try #require(try await store.infrastructure("shared"))
        let expected = Set(["a", "b"].flatMap { tag in
            (0..<workersPerReplica).flatMap { worker in (0..<updatesPerWorker).map { "\(tag)\(worker)-\($0)" } }
        })
        let lost = expected.subtracting(status.units.map(\.name))
        #expect(lost.isEmpty, "\(lost.count) unit updates lost, such as \(lost.sorted().prefix(5))")
        #expect(status.units.count == expected.count)
        for tag in ["a", "b"] {
            for worker in 0..<workersPerReplica {
                #expect(status.outputs["counters"]?["\(tag)\(worker)"] == .string(String(updatesPerWorker)))
            }
        }
        let source = try #require(try await store.source())
        let lostSource = expected.subtracting(source.errors)
        #expect(lostSource.isEmpty, "\(lostSource.count) source updates lost, such as \(lostSource.sorted().prefix(5))")
        #expect(source.errors.count == expected.count)
    }

    @Test func twoReplicasOnOneSQLiteFileLoseNoStatusUpdate() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("terrace.sqlite").path
        let one = try await SQLiteDatabase.open(path: path)
        let two: SQLiteDatabase
        do { two = try await SQLiteDatabase.open(path: path) } catch {
            await one.close()
            throw error
        }
        // Closed whatever happens: an open connection left to deinit is an assertion failure in SQLiteNIO.
        let outcome: Result<Void, any Error>
        do {
            let replicaA = try await SQLServiceStore.open(one)
            let replicaB = try await SQLServiceStore.open(two)
            async let a: Void = Self.hammer(replicaA, tag: "a")
            async let b: Void = Self.hammer(replicaB, tag: "b")
            _ = try await (a, b)
            try await Self.check(replicaA)
            try await Self.check(replicaB)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await one.close()
        await two.close()
        try outcome.get()
    }

    @Test func twoReplicasOnOnePostgreSQLDatabaseLoseNoStatusUpdate() async throws {
        let server = try await PostgresServer.shared()
        let url = try await server.createDatabase()
        let configuration = try PostgresConfiguration(url: url)
        try await PostgresDatabase.with(configuration) { one in
            try await PostgresDatabase.with(configuration) { two in
                let replicaA = try await SQLServiceStore.open(one)
                let replicaB = try await SQLServiceStore.open(two)
                async let a: Void = Self.hammer(replicaA, tag: "a")
                async let b: Void = Self.hammer(replicaB, tag: "b")
                _ = try await (a, b)
                try await Self.check(replicaA)
                try await Self.check(replicaB)
            }
        }
    }

    @Test func anUpdateThatThrowsNothingOrChangesNothingWritesNothing() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await SQLiteDatabase.open(path: folder.appendingPathComponent("terrace.sqlite").path)
        let store = try await SQLServiceStore.open(database)
        // No change to a missing status: nothing is created.
        let untouched = try await store.updateInfrastructure("ghost") { _ in }
        #expect(untouched == InfrastructureStatus(name: "ghost"))
        #expect(try await store.infrastructure("ghost") == nil)
        // A stored status that cannot be read: the update fails, the row is left as it was.
        try await database.execute("INSERT INTO terrace_infrastructures (name, body) VALUES ('broken', '{not json')", [])
        await #expect(throws: ServiceStoreError.self) {
            try await store.updateInfrastructure("broken") { $0.lastRunID = "x" }
        }
        let rows = try await database.query("SELECT body FROM terrace_infrastructures WHERE name = 'broken'", [])
        #expect(rows.first?.first?.text == "{not json")
        // The connection is usable afterwards (the transaction was rolled back).
        try await store.updateInfrastructure("web") { $0.lastRunID = "r1" }
        #expect(try await store.infrastructure("web")?.lastRunID == "r1")
        await database.close()
    }
}
