import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

@Suite("Apply engine (in-memory executor, no Terraform)")
struct ApplyEngineTests {
    struct Harness {
        var repo = TestRepo(Fixtures.valid)
        let store = InMemoryStateStore()
        let lock = InMemoryStateLock()
        let executor: InMemoryUnitExecutor

        init(delay: Duration = .zero, outputs: [String: UnitOutputs] = [:]) {
            executor = InMemoryUnitExecutor(outputs: outputs, delay: delay)
        }

        var engine: ApplyEngine { ApplyEngine(executor: executor, store: store, lock: lock) }

        func apply(_ name: String = "dev", parallelism: Int = 4, events: @escaping @Sendable (RunEvent) -> Void = { _ in }) async throws -> InfrastructureRun {
            let repository = try await repo.loadValid()
            let infrastructure = try #require(repository.infrastructure(named: name))
            return await engine.apply(infrastructure, in: repository, options: RunOptions(parallelism: parallelism), events: events)
        }

        func destroy(_ name: String = "dev") async throws -> InfrastructureRun {
            let repository = try await repo.loadValid()
            let infrastructure = try #require(repository.infrastructure(named: name))
            return await engine.destroy(infrastructure, in: repository, options: RunOptions())
        }
    }

    static func outcomes(_ run: InfrastructureRun) -> [String: UnitOutcome] {
        Dictionary(uniqueKeysWithValues: run.results.map { ($0.unit, $0.outcome) })
    }

    @Test("a first apply runs every unit after its dependencies, in parallel up to the limit, and records each")
    func firstApply() async throws {
        let network = UnitOutputs(values: ["vpc_id": "vpc-123", "private_subnet_ids": ["subnet-a", "subnet-b"]])
        let harness = Harness(delay: .milliseconds(30), outputs: ["network": network])
        let events = EventLog()
        let run = try await harness.apply(parallelism: 2) { events.append($0) }
        #expect(run.succeeded)
        #expect(run.results.count == 8 && run.count(.applied) == 8)
        let applied = await harness.executor.appliedUnits
        let graph = try #require(try await harness.repo.loadValid().graphs["dev"])
        for (index, unit) in applied.enumerated() {
            for dependency in graph.upstream[unit] ?? [] {
                #expect(applied.firstIndex(of: dependency) ?? .max < index, "\(unit) ran before \(dependency)")
            }
        }
        #expect(await harness.executor.maxConcurrent == 2, "network and domain run side by side, never more than 2")
        let record = try #require(try await harness.store.load(infrastructure: "dev"))
        #expect(record.units.count == 8)
        #expect(record.units["api"]?.dependsOn == ["backend", "network"])
        // Upstream outputs flow into inputs.
        let apiCall = await harness.executor.calls.first { $0.unit == "api" }
        #expect(apiCall?.inputs["vpc_id"] == "vpc-123")
        #expect(apiCall?.inputs["subnet_ids"] == ["subnet-a", "subnet-b"])
        #expect(record.units["network"]?.outputs == network.values)
        #expect(events.phases.contains("api:apply"))
        #expect(events.completed == 1)
    }

    @Test("applying again runs no Terraform at all")
    func noChangeApply() async throws {
        let harness = Harness()
        _ = try await harness.apply()
        await harness.executor.resetCalls()
        let run = try await harness.apply()
        #expect(run.succeeded)
        #expect(run.count(.unchanged) == 8)
        #expect(await harness.executor.calls.isEmpty)
    }

    @Test("changing one custom unit's input runs only that unit and the dependents whose inputs change")
    func oneUnitChanges() async throws {
        var harness = Harness()
        _ = try await harness.apply()
        await harness.executor.resetCalls()
        harness.repo.write("infra/dev.yaml", Fixtures.dev.replacingOccurrences(of: "owner: ${project.vars.owner}", with: "owner: team-b"))
        await harness.executor.setOutputs("api", UnitOutputs(values: ["bucket": "api-bucket-2"]))
        let run = try await harness.apply()
        #expect(await harness.executor.appliedUnits == ["api", "web"], "web reads api.bucket, which changed")
        #expect(Self.outcomes(run)["network"] == .unchanged)
        #expect(run.results.first { $0.unit == "api" }?.outputsChanged == true)
    }

    @Test("early cutoff: an apply whose outputs did not change leaves its dependents alone")
    func earlyCutoff() async throws {
        var harness = Harness()
        _ = try await harness.apply()
        await harness.executor.resetCalls()
        // `zones` changes network, but network's outputs come out the same: nothing downstream runs.
        harness.repo.write("infra/dev.yaml", Fixtures.dev.replacingOccurrences(of: "zones: 2", with: "zones: 3"))
        let run = try await harness.apply()
        #expect(await harness.executor.appliedUnits == ["network"])
        #expect(run.results.first { $0.unit == "network" }?.outputsChanged == false)
        #expect(run.count(.unchanged) == 7)
    }

    @Test("a failed unit blocks its dependents, independent units finish, its record stays as it was")
    func failure() async throws {
        var harness = Harness()
        _ = try await harness.apply()
        let before = try #require(try await harness.store.load(infrastructure: "dev"))
        harness.repo.write("infra/dev.yaml", Fixtures.dev.replacingOccurrences(of: "cidr: 10.0.0.0/16", with: "cidr: 10.8.0.0/16")
            .replacingOccurrences(of: "name: dev.example.com", with: "name: app.example.com"))
        await harness.executor.setFailing(["network"])
        await harness.executor.setOutputs("network", UnitOutputs(values: ["vpc_id": "vpc-new"]))
        let run = try await harness.apply()
        #expect(!run.succeeded)
        let outcomes = Self.outcomes(run)
        #expect(outcomes["network"] == .failed)
        #expect(outcomes["domain"] == .applied, "independent of network")
        #expect(outcomes["kubernetes"] == .blocked && outcomes["api"] == .blocked && outcomes["web"] == .blocked)
        #expect(outcomes["addons"] == .blocked)
        #expect(run.results.first { $0.unit == "web" }?.message == "not run: depends on failed unit `network`")
        #expect(run.results.first { $0.unit == "network" }?.message == "apply failed: provider rejected the request")
        let after = try #require(try await harness.store.load(infrastructure: "dev"))
        #expect(after.units["network"] == before.units["network"])
        #expect(after.units["domain"] != before.units["domain"])
    }

    @Test("units removed from the manifest are destroyed first, dependents before dependencies, with an empty configuration")
    func removal() async throws {
        var harness = Harness()
        _ = try await harness.apply()
        await harness.executor.resetCalls()
        harness.repo.write("infra/dev.yaml", Fixtures.dev.components(separatedBy: "units:").first ?? "")
        let run = try await harness.apply()
        #expect(run.succeeded)
        let calls = await harness.executor.calls
        #expect(calls.map(\.operation) == ["destroy", "destroy"])
        #expect(calls.map(\.unit) == ["web", "api"])
        #expect(calls.allSatisfy { $0.emptyConfiguration })
        #expect(try await harness.store.load(infrastructure: "dev")?.units.keys.sorted() == ["addons", "argocd", "backend", "domain", "kubernetes", "network"])
    }

    @Test("destroy removes every unit in reverse dependency order, then the record")
    func destroyAll() async throws {
        let harness = Harness()
        _ = try await harness.apply()
        await harness.executor.resetCalls()
        let run = try await harness.destroy()
        #expect(run.succeeded && run.count(.destroyed) == 8)
        let order = await harness.executor.calls.map(\.unit)
        #expect(order.last == "backend")
        #expect(order.firstIndex(of: "web") ?? .max < order.firstIndex(of: "api") ?? 0)
        #expect(order.firstIndex(of: "kubernetes") ?? .max < order.firstIndex(of: "network") ?? 0)
        #expect(await harness.executor.calls.allSatisfy { !$0.emptyConfiguration }, "declared units are destroyed with their module")
        #expect(try await harness.store.load(infrastructure: "dev") == nil)
    }

    @Test("a held lock stops the run at once, naming the holder; with a timeout the run waits for it")
    func locking() async throws {
        let harness = Harness()
        let held = try await harness.lock.acquire(infrastructure: "dev", operation: "apply", timeout: 0)
        let refused = try await harness.apply()
        #expect(refused.error?.hasPrefix("infrastructure `dev` is locked by test@localhost for apply since ") == true)
        #expect(refused.results.isEmpty)
        #expect(await harness.executor.calls.isEmpty)

        let repository = try await harness.repo.loadValid()
        let infrastructure = try #require(repository.infrastructure(named: "dev"))
        let engine = harness.engine
        let lock = harness.lock
        async let waited = engine.apply(infrastructure, in: repository, options: RunOptions(lockTimeout: 5))
        try await Task.sleep(for: .milliseconds(50))
        try await lock.release(held)
        let run = await waited
        #expect(run.succeeded && run.count(.applied) == 8)
        #expect(await harness.lock.holding("dev") == nil, "the run released its lock")
    }

    @Test("the scheduler blocks everything behind a failure and runs the rest")
    func scheduler() async {
        let states = await GraphScheduler.run(
            nodes: ["a", "b", "c", "d", "e"], dependencies: ["b": ["a"], "c": ["b"], "e": ["d"]], parallelism: 3
        ) { node in node != "b" }
        #expect(states == ["a": .succeeded, "b": .failed, "c": .blocked, "d": .succeeded, "e": .succeeded])
    }
}

/// Collects run events from concurrent units.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RunEvent] = []

    func append(_ event: RunEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var phases: [String] {
        lock.lock()
        defer { lock.unlock() }
        return events.compactMap { if case .phase(_, let unit, let phase) = $0 { "\(unit):\(phase.rawValue)" } else { nil } }
    }

    var completed: Int {
        lock.lock()
        defer { lock.unlock() }
        return events.filter { if case .completed = $0 { true } else { false } }.count
    }
}

@Suite("Apply engine: units with Terraform state but no record")
struct UnrecordedStateTests {
    @Test("a unit left with state by a failed first apply is destroyed by destroy, with an empty configuration")
    func destroyIncludesUnrecordedState() async throws {
        let harness = ApplyEngineTests.Harness()
        _ = try await harness.apply()
        await harness.store.addUnrecordedState(infrastructure: "dev", unit: "half-applied")
        await harness.executor.resetCalls()
        let run = try await harness.destroy()
        #expect(run.succeeded && run.count(.destroyed) == 9)
        let call = await harness.executor.calls.first { $0.unit == "half-applied" }
        #expect(call?.emptyConfiguration == true)
        #expect(try await harness.store.unitsWithState(infrastructure: "dev").isEmpty, "destroyed state is forgotten")
    }

    @Test("apply destroys an undeclared unit that only has state, and leaves a declared one to be applied")
    func applyRemovesUndeclaredState() async throws {
        let harness = ApplyEngineTests.Harness()
        _ = try await harness.apply()
        await harness.store.addUnrecordedState(infrastructure: "dev", unit: "gone")
        await harness.executor.resetCalls()
        let run = try await harness.apply()
        #expect(run.succeeded)
        #expect(await harness.executor.calls.map(\.unit) == ["gone"])
        #expect(ApplyEngineTests.outcomes(run)["gone"] == .destroyed)
    }
}
