import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TerraceCore
import TerraceServer
import TerraceTestSupport

/// `/healthz` fails when a sync has made no progress for longer than the stall bound (seen through a fake clock);
/// `/readyz` keeps its meaning; webhooks arriving during a fetch fold into one more sync.
@Suite struct LivenessTests {
    /// A clock the test sets.
    final class FakeClock: @unchecked Sendable {
        private let lock = NSLock()
        private var offset: TimeInterval = 0
        func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
        func now() -> Date { lock.withLock { Date().addingTimeInterval(offset) } }
    }

    struct Fixture {
        let environment = FakeReconcileEnvironment()
        let store = InMemoryServiceStore()
        let clock = FakeClock()
        let reconciler: Reconciler
        var dependencies: ServerDependencies

        init() {
            reconciler = Reconciler(store: store, environment: environment, settings: ReconcilerSettings(replica: "live"))
            dependencies = ServerDependencies(
                reconciler: reconciler, store: store, metrics: ServiceMetrics(), token: AdminToken(hash: RouterTests.Fixture.tokenDigest),
                webhook: WebhookVerifier(secret: RouterTests.secret), branch: "main")
            dependencies.syncStallTimeout = .seconds(600)
            let clock = self.clock
            dependencies.now = { clock.now() }
        }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            let app = Application(router: buildRouter(dependencies))
            try await app.test(.router, body)
        }
    }

    static func until(_ condition: () async throws -> Bool) async throws {
        try await ServeProcess.waitUntil("the condition", timeout: 30, condition)
    }

    @Test func healthzFailsWhenASyncMakesNoProgressForTooLong() async throws {
        let fixture = Fixture()
        await fixture.environment.source.push("r1", RouterTests.files)
        // The state bucket hangs: the sync waits in reading records, making no progress.
        await fixture.environment.stateBucket.hold()
        let reconciler = fixture.reconciler
        let sync = Task { await reconciler.sync(.poll) }
        try await Self.until { await fixture.environment.stateBucket.heldReads > 0 }
        #expect(await reconciler.syncStall(now: Date()) != nil)

        // Just started: alive. Ready too (the source was fetched).
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        }
        // 9 minutes later: still within the 10-minute bound.
        fixture.clock.advance(9 * 60)
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
        // 11 minutes: the liveness probe fails and says why; readiness keeps its meaning.
        fixture.clock.advance(2 * 60)
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try RouterTests.json(response.body)
                #expect(body["alive"] as? String == "false")
                #expect((body["reason"] as? String)?.contains("no progress") == true)
                #expect((body["reason"] as? String)?.contains("limit 600 s") == true)
            }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        }

        // The bucket answers again: the sync ends, and no sync means nothing stalls, however late it is.
        await fixture.environment.stateBucket.release()
        await sync.value
        await reconciler.waitUntilIdle()
        #expect(await reconciler.syncStall(now: fixture.clock.now()) == nil)
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func aShorterStallBoundFailsSooner() async throws {
        var fixture = Fixture()
        fixture.dependencies.syncStallTimeout = .seconds(30)
        await fixture.environment.source.push("r1", RouterTests.files)
        await fixture.environment.stateBucket.hold()
        let reconciler = fixture.reconciler
        let sync = Task { await reconciler.sync(.poll) }
        try await Self.until { await fixture.environment.stateBucket.heldReads > 0 }
        fixture.clock.advance(31)
        try await fixture.test { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
        await fixture.environment.stateBucket.release()
        await sync.value
    }

    @Test func webhooksDuringAFetchFoldIntoOneMoreSync() async throws {
        let inner = FakeReconcileEnvironment()
        let environment = GatedFetchEnvironment(inner: inner)
        await inner.source.push("r1", RouterTests.files)
        let reconciler = Reconciler(store: InMemoryServiceStore(), environment: environment, settings: ReconcilerSettings(replica: "hooks"))
        await environment.gate.close()
        let first = Task { await reconciler.sync(.push) }
        try await Self.until { await environment.gate.waiting > 0 }
        // Twenty pushes arrive while the fetch hangs: none starts a fetch of its own.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { await reconciler.sync(.push) } }
        }
        #expect(await environment.gate.waiting == 1)
        await environment.gate.open()
        await first.value
        await reconciler.waitUntilIdle()
        // The hanging fetch, then one more for all the pushes that came meanwhile.
        #expect(await environment.gate.fetches == 2)
    }
}

/// A fake world whose fetches wait at a gate the test opens.
struct GatedFetchEnvironment: ReconcileEnvironment {
    let inner: FakeReconcileEnvironment
    let gate = Gate()

    actor Gate {
        private var closed = false
        private var parked: [CheckedContinuation<Void, Never>] = []
        private(set) var fetches = 0
        var waiting: Int { parked.count }

        func close() { closed = true }

        func open() {
            closed = false
            for continuation in parked { continuation.resume() }
            parked = []
        }

        func pass() async {
            fetches += 1
            if closed { await withCheckedContinuation { parked.append($0) } }
        }
    }

    func fetch() async throws(ReconcileError) -> SourceRevision {
        await gate.pass()
        return try await inner.fetch()
    }

    func load(revision: String) async -> LoadResult { await inner.load(revision: revision) }

    func record(of infrastructure: Infrastructure) async throws(ReconcileError) -> InfrastructureRecord? {
        try await inner.record(of: infrastructure)
    }

    func engine(for infrastructure: Infrastructure, binary: TerraformSettings.Binary, run: ServiceRun) async throws(ReconcileError) -> ApplyEngine {
        try await inner.engine(for: infrastructure, binary: binary, run: run)
    }

    func executor(_ binary: TerraformSettings.Binary) -> any UnitExecutor { inner.executor(binary) }

    func lockHolder(of infrastructure: Infrastructure) async throws(ReconcileError) -> LockInfo? {
        try await inner.lockHolder(of: infrastructure)
    }

    func releaseStaleLocks(of infrastructure: Infrastructure, lock: LockInfo, binary: TerraformSettings.Binary) async throws(ReconcileError) -> [String] {
        try await inner.releaseStaleLocks(of: infrastructure, lock: lock, binary: binary)
    }

    func log(runID: String, infrastructure: String, unit: String) async -> String? {
        await inner.log(runID: runID, infrastructure: infrastructure, unit: unit)
    }
}
