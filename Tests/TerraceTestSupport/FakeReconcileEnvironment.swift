import Foundation
import TerraceCore

/// The reconciler's world in memory: revisions of a repository as file maps, records, one lock table, a
/// simulated Terraform.
public struct FakeReconcileEnvironment: ReconcileEnvironment {
    public let source = FakeSource()
    public let records = InMemoryStateStore()
    public let locks = LockTable()
    public let terraform = InMemoryUnitExecutor()
    /// How many record reads run at once, at most.
    public let recordReads = ConcurrencyGauge()
    /// How long each record read takes.
    public var recordReadDelay: Duration = .zero
    /// Makes record reads wait or fail, as a slow or unreachable state bucket does.
    public let stateBucket = FakeStateBucket()

    /// Creates an empty world.
    public init() {}

    /// The binaries engines and drift checks were asked for, in order.
    public let binaries = BinaryLog()

    public func executor(_ binary: TerraformSettings.Binary) -> any UnitExecutor {
        binaries.append(binary)
        return terraform
    }

    public func fetch() async throws(ReconcileError) -> SourceRevision {
        guard let head = await source.head else { throw ReconcileError(.fetch, "cannot fetch: repository unreachable") }
        return SourceRevision(id: head, committedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    public func load(revision: String) async -> LoadResult {
        guard let files = await source.files(at: revision) else {
            return LoadResult(repository: nil, diagnostics: [Diagnostic(at: SourceLocation(file: "(git)"), "unknown revision")])
        }
        return await TestRepo(files).load()
    }

    public func record(of infrastructure: Infrastructure) async throws(ReconcileError) -> InfrastructureRecord? {
        await recordReads.enter()
        if recordReadDelay > .zero { try? await Task.sleep(for: recordReadDelay) }
        let result: Result<InfrastructureRecord?, ReconcileError>
        if let failure = await stateBucket.read(infrastructure) {
            result = .failure(failure)
        } else {
            do {
                result = .success(try await records.load(infrastructure: infrastructure.name))
            } catch {
                result = .failure(ReconcileError(.state, error.message))
            }
        }
        await recordReads.leave()
        return try result.get()
    }

    public func engine(
        for infrastructure: Infrastructure, binary: TerraformSettings.Binary, run: ServiceRun
    ) async throws(ReconcileError) -> ApplyEngine {
        binaries.append(binary)
        return ApplyEngine(executor: terraform, store: records, lock: LockTable.Handle(table: locks, holder: run.lockHolder))
    }

    public func lockHolder(of infrastructure: Infrastructure) async throws(ReconcileError) -> LockInfo? {
        await locks.holding(infrastructure.name)
    }

    public func releaseStaleLocks(
        of infrastructure: Infrastructure, lock: LockInfo, binary: TerraformSettings.Binary
    ) async throws(ReconcileError) -> [String] {
        binaries.append(binary)
        await locks.forceRelease(lock)
        return ["the Terrace lock held by \(lock.holder)"]
    }

    public func log(runID: String, infrastructure: String, unit: String) async -> String? {
        "==> terraform apply (\(infrastructure)/\(unit))"
    }
}

/// The state bucket as record reads meet it: reads can be held until released, and can fail (unreachable).
public actor FakeStateBucket {
    private var failuresLeft: [String: Int] = [:]
    private var failuresLeftForAll = 0
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// How many reads failed.
    public private(set) var failedReads = 0
    /// How many reads are held now.
    public var heldReads: Int { waiting.count }

    /// Creates a reachable bucket.
    public init() {}

    /// Makes the next `count` reads fail (of `infrastructure` only, when given).
    public func fail(_ count: Int = .max, infrastructure: String? = nil) {
        if let infrastructure { failuresLeft[infrastructure] = count } else { failuresLeftForAll = count }
    }

    /// Makes reads work again.
    public func heal() {
        failuresLeft = [:]
        failuresLeftForAll = 0
    }

    /// Holds every read until ``release()``.
    public func hold() { held = true }

    /// Lets held reads (and later ones) go on.
    public func release() {
        held = false
        for continuation in waiting { continuation.resume() }
        waiting = []
    }

    /// Waits while reads are held; returns the error the read of `infrastructure` meets, if it fails.
    func read(_ infrastructure: Infrastructure) async -> ReconcileError? {
        if held { await withCheckedContinuation { waiting.append($0) } }
        let name = infrastructure.name
        if let left = failuresLeft[name], left > 0 {
            failuresLeft[name] = left - 1
        } else if failuresLeftForAll > 0 {
            failuresLeftForAll -= 1
        } else {
            return nil
        }
        failedReads += 1
        return ReconcileError(.state, "cannot reach the state bucket `\(infrastructure.backend.bucket)`: connection refused")
    }
}

/// Revisions of a repository, by id; `head` is what a fetch returns.
public actor FakeSource {
    public private(set) var head: String?
    private var revisions: [String: [String: String]] = [:]

    /// Adds a revision and makes it the head.
    public func push(_ id: String, _ files: [String: String]) {
        revisions[id] = files
        head = id
    }

    /// Makes the source unreachable.
    public func breakRemote() { head = nil }

    public func files(at revision: String) -> [String: String]? { revisions[revision] }
}

/// Infrastructure locks shared by every run, each holding naming its own holder.
public actor LockTable {
    private var held: [String: LockInfo] = [:]

    struct Handle: StateLock {
        let table: LockTable
        let holder: String

        func acquire(infrastructure: String, operation: String, timeout: Double) async throws(LockError) -> LockInfo {
            try await table.acquire(infrastructure, operation: operation, holder: holder)
        }

        func release(_ lock: LockInfo) async throws(LockError) {
            await table.forceRelease(lock)
        }
    }

    func acquire(_ infrastructure: String, operation: String, holder: String) throws(LockError) -> LockInfo {
        if let current = held[infrastructure] { throw LockError(.held, holder: current, LockError.heldMessage(current)) }
        let info = LockInfo(id: UUID().uuidString, infrastructure: infrastructure, holder: holder, operation: operation, createdAt: Date())
        held[infrastructure] = info
        return info
    }

    /// Leaves a lock behind, as a process killed mid-run does.
    public func plant(_ info: LockInfo) { held[info.infrastructure] = info }

    public func forceRelease(_ lock: LockInfo) {
        if held[lock.infrastructure]?.id == lock.id { held[lock.infrastructure] = nil }
    }

    public func holding(_ infrastructure: String) -> LockInfo? { held[infrastructure] }
}

/// Counts calls in progress and remembers the most at once.
public actor ConcurrencyGauge {
    private var current = 0
    /// The most calls that were in progress at once.
    public private(set) var peak = 0
    /// How many calls there were.
    public private(set) var total = 0

    /// Creates a gauge at zero.
    public init() {}

    /// A call starts.
    public func enter() {
        current += 1
        total += 1
        peak = max(peak, current)
    }

    /// A call ends.
    public func leave() {
        current -= 1
    }

    /// Starts counting afresh (calls in progress stay counted).
    public func reset() {
        peak = current
        total = 0
    }
}

/// The Terraform binaries asked for, in order (thread-safe, for synchronous callers).
public final class BinaryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [TerraformSettings.Binary] = []

    /// Creates an empty log.
    public init() {}

    /// Records `binary`.
    public func append(_ binary: TerraformSettings.Binary) {
        lock.lock()
        defer { lock.unlock() }
        entries.append(binary)
    }

    /// Everything recorded so far.
    public var all: [TerraformSettings.Binary] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }
}
