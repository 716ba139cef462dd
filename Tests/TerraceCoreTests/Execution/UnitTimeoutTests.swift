import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceCore

@Suite("Unit timeouts (engine and in-memory executor)")
struct UnitTimeoutTests {
    static func job(timeout: Duration) -> UnitJob {
        let module = ResolvedModule(
            source: .builtin(""), directory: "", displayName: "m", declarations: ModuleDeclarations(), digest: ContentDigest.of(""))
        return UnitJob(
            runID: "r", infrastructure: "dev", unit: "app", module: module, inputs: [:], cloud: CloudSettings(region: "eu-west-1"),
            backend: BackendSettings(bucket: "b"), timeout: timeout)
    }

    /// Waits until cancelled, then fails as an executor does when its step is stopped.
    static func stoppable() async throws(UnitFailure) -> Int {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        throw UnitFailure(.cancelled, phase: .apply, "cancelled while `terraform apply` ran", logTail: ["Applying…"], logPath: "/logs/app.log",
                          stopNote: "`terraform apply` was interrupted (SIGINT) and stopped (exit 130)")
    }

    @Test("an operation within its timeout returns as usual")
    func withinTheLimit() async throws {
        let value = try await Self.job(timeout: .seconds(3600)).withinTimeout { () async throws(UnitFailure) -> Int in 42 }
        #expect(value == 42)
        await #expect(throws: UnitFailure(.terraform, phase: .plan, "boom")) {
            try await Self.job(timeout: .seconds(3600)).withinTimeout { () async throws(UnitFailure) -> Int in
                throw UnitFailure(.terraform, phase: .plan, "boom")
            }
        }
    }

    @Test("past its timeout an operation is stopped and fails with `.timedOut`, saying how it stopped, never `cancelled`")
    func expiry() async throws {
        do {
            _ = try await Self.job(timeout: .milliseconds(100)).withinTimeout { () async throws(UnitFailure) -> Int in try await Self.stoppable() }
            Issue.record("a hanging operation returned")
        } catch {
            #expect(error.code == .timedOut)
            #expect(error.phase == .apply)
            #expect(error.message == "timed out after 100ms; `terraform apply` was interrupted (SIGINT) and stopped (exit 130)")
            #expect(!error.message.contains("cancelled"))
            #expect(error.logTail == ["Applying…"])
            #expect(error.logPath == "/logs/app.log")
        }
        // Without a note of its own, the step is said to be stopped.
        do {
            _ = try await Self.job(timeout: .milliseconds(100)).withinTimeout { () async throws(UnitFailure) -> Int in
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                throw UnitFailure(.cancelled, phase: .wait, "cancelled", inventory: ["v1 ConfigMap default/app"])
            }
            Issue.record("a hanging operation returned")
        } catch {
            #expect(error.message == "timed out after 100ms; the step was stopped")
            #expect(error.phase == .wait)
            #expect(error.inventory == ["v1 ConfigMap default/app"])
        }
    }

    @Test("an operation that still finishes once stopped keeps its result")
    func finishesAnyway() async throws {
        let value = try await Self.job(timeout: .milliseconds(50)).withinTimeout { () async throws(UnitFailure) -> Int in
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return 7
        }
        #expect(value == 7)
    }

    @Test("cancelling the caller is a cancellation, not a timeout")
    func callerCancellation() async throws {
        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await Self.job(timeout: .seconds(3600)).withinTimeout { () async throws(UnitFailure) -> Int in
                started.continuation.yield()
                return try await Self.stoppable()
            }
        }
        var iterator = started.stream.makeAsyncIterator()
        await iterator.next()
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("a cancelled operation returned")
        } catch let failure as UnitFailure {
            #expect(failure.code == .cancelled)
            #expect(failure.message == "cancelled while `terraform apply` ran")
        }
    }

    @Test("the engine gives each job its unit's timeout: a unit that hangs fails with a timeout, its dependents are blocked")
    func engine() async throws {
        var files = Fixtures.valid
        files["infra/prod.yml"] = """
            kind: Infrastructure
            name: prod
            cloud: {provider: aws, region: us-east-1}
            network:
              cidr: 10.1.0.0/16
              timeout: 1s
            units:
              - name: api
                module: ../modules/app
                inputs:
                  name: prod-api
                  vpc_id: ${network.vpc_id}
            """
        let repository = try await TestRepo(files).loadValid()
        let infrastructure = try #require(repository.infrastructure(named: "prod"))
        let executor = InMemoryUnitExecutor()
        await executor.setHanging(["network"])
        let store = InMemoryStateStore()
        let engine = ApplyEngine(executor: executor, store: store, lock: InMemoryStateLock())
        let run = await engine.apply(infrastructure, in: repository, options: RunOptions())
        let network = try #require(run.results.first { $0.unit == "network" })
        #expect(network.outcome == .failed)
        #expect(network.message == "apply failed: timed out after 1s; the apply was stopped")
        #expect(run.results.first { $0.unit == "api" }?.outcome == .blocked)
        #expect(try await store.load(infrastructure: "prod")?.units["network"] == nil)
    }
}
