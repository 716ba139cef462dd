import Foundation
import Testing
import TerraceCore
import TerracePostgres
import TerraceSQLite
import TerraceTestSupport

/// The same store checks on SQLite and on PostgreSQL.
@Suite struct SQLServiceStoreTests {
    static func exercise(_ store: SQLServiceStore) async throws {
        try await store.ping()
        #expect(try await store.setting("missing") == nil)
        try await store.setSetting("admin_token_sha256", "abc")
        try await store.setSetting("admin_token_sha256", "def")
        #expect(try await store.setting("admin_token_sha256") == "def")

        #expect(try await store.source() == nil)
        var source = SourceStatus(url: "git://127.0.0.1/repo", branch: "main", path: "")
        source.conditions.markReady("ok", at: Date(timeIntervalSince1970: 1_800_000_000.25))
        source.fetchedRevision = "abc"
        try await store.saveSource(source)
        #expect(try await store.source() == source)

        var status = InfrastructureStatus(name: "b", file: "infra/b.yaml")
        status.updateUnit("app") { $0.drift = ResourceSummary(change: 1) }
        status.outputs = ["app": ["url": .string("https://x"), "n": .number(2), "list": .list([.bool(true), .null])]]
        try await store.saveInfrastructure(status)
        try await store.saveInfrastructure(InfrastructureStatus(name: "a"))
        #expect(try await store.infrastructures().map(\.name) == ["a", "b"])
        #expect(try await store.infrastructure("b") == status)
        try await store.deleteInfrastructure("a")
        #expect(try await store.infrastructure("a") == nil)
        // Listings reuse decoded statuses only while the stored text is the same: a change made through another
        // store on the same database (another replica) is seen at once.
        #expect(try await store.infrastructures() == [status])
        let replica = try await SQLServiceStore.open(store.database)
        var changed = status
        changed.lastAppliedRevision = "r9"
        try await replica.saveInfrastructure(changed)
        #expect(try await store.infrastructures() == [changed])

        // Sessions: found by hash until they expire; expired ones purged; logout deletes.
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let session = WebSession(
            idHash: "h1", subject: "sub-1", displayName: "alice", role: .admin, method: "oidc", csrfToken: "c1", createdAt: now,
            expiresAt: now.addingTimeInterval(3600), idToken: "header.payload.signature")
        let expired = WebSession(
            idHash: "h2", subject: "sub-2", displayName: "bob", role: .viewer, method: "token", csrfToken: "c2",
            createdAt: now.addingTimeInterval(-7200), expiresAt: now.addingTimeInterval(-1))
        try await store.saveSession(session)
        try await store.saveSession(expired)
        #expect(try await store.session("h1", now: now) == session)
        #expect(try await store.session("h2", now: now) == nil)
        #expect(try await store.session("h1", now: now.addingTimeInterval(3601)) == nil)
        try await store.deleteExpiredSessions(now: now)
        #expect(try await store.session("h2", now: now.addingTimeInterval(-3600)) == nil)
        #expect(try await store.session("h1", now: now) == session)
        try await store.deleteSession("h1")
        #expect(try await store.session("h1", now: now) == nil)

        // The audit log: newest first, paged.
        for index in 0..<5 {
            try await store.appendAudit(AuditEntry(
                id: "a\(index)", at: now.addingTimeInterval(Double(index)), actor: "alice", action: "approve", target: "run-\(index)",
                outcome: "approved"))
        }
        #expect(try await store.auditEntries(limit: 2, offset: 0).map(\.id) == ["a4", "a3"])
        #expect(try await store.auditEntries(limit: 10, offset: 3).map(\.id) == ["a1", "a0"])

        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<5 {
            let run = ServiceRun(
                id: "run-\(index)", infrastructure: index % 2 == 0 ? "b" : "c", revision: "r\(index)", trigger: .push,
                status: index == 4 ? .running : .succeeded, replica: "one", queuedAt: base.addingTimeInterval(Double(index)),
                results: [UnitResult(unit: "app", outcome: .applied, seconds: 1.5)])
            try await store.saveRun(run)
        }
        #expect(try await store.runs(infrastructure: nil, status: nil, limit: 10).map(\.id) == ["run-4", "run-3", "run-2", "run-1", "run-0"])
        #expect(try await store.runs(infrastructure: "b", status: nil, limit: 2).map(\.id) == ["run-4", "run-2"])
        #expect(try await store.runs(infrastructure: nil, status: .running, limit: 10).map(\.id) == ["run-4"])
        var finished = try #require(try await store.run("run-4"))
        finished.status = .interrupted
        try await store.saveRun(finished)
        #expect(try await store.runs(infrastructure: nil, status: .running, limit: 10).isEmpty)
        #expect(try await store.run("run-4")?.status == .interrupted)
        #expect(try await store.run("run-0")?.results.first?.seconds == 1.5)

        try await store.saveLog(runID: "run-0", unit: "app", text: "line 1\nline 'two' ?\n")
        try await store.saveLog(runID: "run-0", unit: "db", text: "")
        #expect(try await store.logs(runID: "run-0") == ["app": "line 1\nline 'two' ?\n", "db": ""])
        #expect(try await store.logs(runID: "run-9").isEmpty)
    }

    @Test func sqliteKeepsEverythingAndLocksWithinTheProcess() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("terrace.sqlite").path
        let database = try await SQLiteDatabase.open(path: path)
        let store = try await SQLServiceStore.open(database)
        try await Self.exercise(store)
        let inner = try await store.withInfrastructureLock("b") {
            (try? await store.withInfrastructureLock("b") { 1 }) ?? nil
        }
        #expect(inner == .some(nil))
        #expect(try await store.withInfrastructureLock("b") { 2 } == 2)
        await database.close()
        // Reopened: the data is still there.
        let reopened = try await SQLiteDatabase.open(path: path)
        #expect(try await SQLServiceStore.open(reopened).run("run-0")?.revision == "r0")
        await reopened.close()
    }

    @Test func sqliteReportsAnUnusablePath() async throws {
        await #expect(throws: ServiceStoreError.self) { try await SQLiteDatabase.open(path: "/nonexistent-folder/x/terrace.sqlite") }
    }

    @Test func postgresKeepsEverythingAndLocksAcrossConnections() async throws {
        let server = try await PostgresServer.shared()
        let url = try await server.createDatabase()
        var configuration = try PostgresConfiguration(url: url)
        // This test is about locks, not start-up time: on a loaded 2-core CI machine, starting two replicas at once
        // (each creating the tables, one after the other) can take longer than the service's default minute.
        configuration.startupTimeout = .seconds(300)
        try await PostgresDatabase.with(configuration) { one in
            try await PostgresDatabase.with(configuration) { two in
                async let storeOne = SQLServiceStore.open(one)
                async let storeTwo = SQLServiceStore.open(two)
                let (first, second) = try await (storeOne, storeTwo)
                try await Self.exercise(first)
                #expect(try await second.run("run-1")?.revision == "r1")
                // Held by one replica: the other gets nil at once; free again afterwards.
                let blocked = try await first.withInfrastructureLock("b") {
                    (try? await second.withInfrastructureLock("b") { 1 }) ?? nil
                }
                #expect(blocked == .some(nil))
                #expect(try await second.withInfrastructureLock("b") { 3 } == 3)
                #expect(try await first.withInfrastructureLock("c") { 4 } == 4)
            }
        }
    }

    @Test func postgresURLsAreCheckedAndPasswordsNeverShown() throws {
        let configuration = try PostgresConfiguration(url: "postgres://app:s3cr%40t@db.internal:6543/terrace?sslmode=require")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "app")
        #expect(configuration.password == "s3cr@t")
        #expect(configuration.database == "terrace")
        #expect(configuration.sslMode == "require")
        #expect(!configuration.description.contains("s3cr"))
        #expect(try PostgresConfiguration(url: "postgres://app@db/x", password: "file-password").password == "file-password")
        for bad in ["mysql://a@b/c", "postgres:///x", "postgres://db/x", "postgres://a@b/c?sslmode=verify-full"] {
            #expect(throws: PostgresConfigurationError.self, "\(bad)") { try PostgresConfiguration(url: bad) }
        }
    }

    @Test func anUnreachablePostgresGivesAMessageWithoutThePassword() async throws {
        let port = try MotoServer.freePort()
        var configuration = try PostgresConfiguration(url: "postgres://app:topsecret@127.0.0.1:\(port)/x?sslmode=disable")
        configuration.startupTimeout = .seconds(3)
        let error = await #expect(throws: ServiceStoreError.self) {
            try await PostgresDatabase.with(configuration) { database in _ = try await SQLServiceStore.open(database) }
        }
        #expect(error?.message.contains("topsecret") == false)
        #expect(error?.message.contains("did not answer within 3 s") == true, "\(String(describing: error))")
    }
}
