import Foundation
import Logging
import Testing
import TerraceCore
import TerracePostgres
import TerraceServer
import TerraceSQLite
import TerraceTestSupport

/// Runs and their logs are pruned by count and by age; running, waiting and not-yet-retried interrupted runs,
/// and the newest run of each infrastructure, are always kept; log folders on disk go with their runs.
@Suite struct RetentionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    static func run(_ id: String, _ infrastructure: String, daysAgo: Double, _ status: ServiceRun.Status = .succeeded, retriedBy: String? = nil) -> ServiceRun {
        ServiceRun(
            id: id, infrastructure: infrastructure, revision: "r-\(id)", trigger: .poll, status: status, replica: "one",
            queuedAt: now.addingTimeInterval(-daysAgo * day), retriedBy: retriedBy)
    }

    /// web: 8 runs, one a day (web-0 newest); web-5 is running, web-6 waiting, web-7 interrupted and not retried.
    /// api: one run, 90 days old. old: 3 runs, all older than 40 days.
    static let runs: [ServiceRun] = (0..<8).map { index -> ServiceRun in
        let status: ServiceRun.Status = index == 5 ? .running : index == 6 ? .waiting : index == 7 ? .interrupted : .failed
        return run("web-\(index)", "web", daysAgo: Double(index), status)
    } + [run("api-0", "api", daysAgo: 90)]
        + (0..<3).map { run("old-\($0)", "old", daysAgo: 40 + Double($0), .interrupted, retriedBy: "x") }

    static func seed(_ store: any ServiceStore) async throws {
        for run in runs {
            try await store.saveRun(run)
            try await store.saveLog(runID: run.id, unit: "app", text: "log of \(run.id)\n")
        }
    }

    static func remaining(_ store: any ServiceStore) async throws -> Set<String> {
        Set(try await store.runs(infrastructure: nil, status: nil, limit: 1000).map(\.id))
    }

    /// The same policy checks on any store.
    static func exercise(_ store: any ServiceStore) async throws {
        try await seed(store)
        // Keep 3 per infrastructure, any age: web-3, web-4 go (web-5, -6, -7 are protected); api and old keep theirs up to 3.
        let byCount = try await store.pruneRuns(RunRetention(keepPerInfrastructure: 3, maxAge: nil), now: now)
        #expect(Set(byCount) == ["web-3", "web-4"])
        #expect(try await remaining(store) == Set(runs.map(\.id)).subtracting(["web-3", "web-4"]))
        #expect(try await store.logs(runID: "web-3").isEmpty)
        #expect(try await store.logs(runID: "web-2") == ["app": "log of web-2\n"])
        // Nothing more to prune with the same policy.
        #expect(try await store.pruneRuns(RunRetention(keepPerInfrastructure: 3, maxAge: nil), now: now).isEmpty)
        // By age, 30 days: old-1 and old-2 go, old-0 stays as its infrastructure's newest run; api-0 stays (its only run).
        let byAge = try await store.pruneRuns(RunRetention(keepPerInfrastructure: nil, maxAge: .seconds(30 * 86_400)), now: now)
        #expect(Set(byAge) == ["old-1", "old-2"])
        // Keep 1: only each infrastructure's newest, and the protected ones.
        let tightest = try await store.pruneRuns(RunRetention(keepPerInfrastructure: 1, maxAge: .seconds(1)), now: now)
        #expect(Set(tightest) == ["web-1", "web-2"])
        #expect(try await remaining(store) == ["web-0", "web-5", "web-6", "web-7", "api-0", "old-0"])
        // No policy: nothing pruned.
        #expect(try await store.pruneRuns(RunRetention(keepPerInfrastructure: nil, maxAge: nil), now: now).isEmpty)
    }

    @Test func theSelectionKeepsWhatMustBeKept() {
        let selected = RunRetention(keepPerInfrastructure: 1, maxAge: .seconds(1)).prunable(Self.runs, now: Self.now)
        #expect(Set(selected) == ["web-1", "web-2", "web-3", "web-4", "old-1", "old-2"])
        // A count below 1 still keeps the newest.
        #expect(RunRetention(keepPerInfrastructure: 0, maxAge: nil).keepPerInfrastructure == 1)
        #expect(RunRetention.default == RunRetention(keepPerInfrastructure: 100, maxAge: .seconds(30 * 86_400)))
    }

    @Test func inMemory() async throws {
        try await Self.exercise(InMemoryServiceStore())
    }

    @Test func sqlite() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await SQLiteDatabase.open(path: folder.appendingPathComponent("terrace.sqlite").path)
        try await Self.exercise(try await SQLServiceStore.open(database))
        await database.close()
    }

    @Test func postgres() async throws {
        let server = try await PostgresServer.shared()
        let url = try await server.createDatabase()
        try await PostgresDatabase.with(try PostgresConfiguration(url: url)) { database in
            try await Self.exercise(try await SQLServiceStore.open(database))
        }
    }

    @Test func thePrunerRemovesLogFoldersWithTheirRuns() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logRoot = folder.appendingPathComponent("logs").path
        let store = InMemoryServiceStore()
        try await Self.seed(store)
        for run in Self.runs {
            try FileManager.default.createDirectory(atPath: logRoot + "/\(run.id)/\(run.infrastructure)", withIntermediateDirectories: true)
            try "x\n".write(toFile: logRoot + "/\(run.id)/\(run.infrastructure)/app.log", atomically: true, encoding: .utf8)
        }
        // A folder that is no run's stays.
        try FileManager.default.createDirectory(atPath: logRoot + "/unrelated", withIntermediateDirectories: true)
        let pruner = RunPruner(
            store: store, retention: RunRetention(keepPerInfrastructure: 3, maxAge: nil), logRoot: logRoot, logger: Logger(label: "test"))
        let pruned = await pruner.prune(now: Self.now)
        #expect(Set(pruned) == ["web-3", "web-4"])
        let folders = Set(try FileManager.default.contentsOfDirectory(atPath: logRoot))
        #expect(folders == Set(Self.runs.map(\.id)).subtracting(["web-3", "web-4"]).union(["unrelated"]))
        // A disabled policy prunes nothing.
        let keepAll = RunPruner(store: store, retention: RunRetention(keepPerInfrastructure: nil, maxAge: nil), logRoot: logRoot, logger: Logger(label: "test"))
        #expect(await keepAll.prune(now: Self.now.addingTimeInterval(1000 * Self.day)).isEmpty)
    }
}
