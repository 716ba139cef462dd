import Foundation
import Logging
import Testing
import TerraceCore
import TerraceServer
import TerraceTestSupport

/// The service's log: each sync and run step at info (warnings for failures and retries), with the infrastructure,
/// revision, run and unit as swift-log metadata, and never a secret; the metrics still count beside it.
@Suite struct ServiceLogTests {
    /// One line as a log handler received it.
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        var step: String? { metadata["step"] }
    }

    /// The lines logged, in order.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [Line] = []

        func append(_ line: Line) { lock.withLock { entries.append(line) } }
        var all: [Line] { lock.withLock { entries } }
        func of(_ step: String) -> [Line] { all.filter { $0.step == step } }
    }

    /// A log handler that keeps what it is given.
    struct CapturingHandler: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            lines.append(Line(level: event.level, message: event.message.description, metadata: merged.mapValues(\.description)))
        }
    }

    static let canary = "hunter2-canary-5f0c"

    /// The router tests' repository: infrastructure `web` with one unit `app` (a sensitive output `password`).
    static let files = RouterTests.files

    struct Fixture {
        let environment = FakeReconcileEnvironment()
        let store = InMemoryServiceStore()
        let lines = Lines()
        let metrics = ServiceMetrics()
        let reconciler: Reconciler

        init() {
            let lines = self.lines
            let logger = Logger(label: "terrace-test") { _ in CapturingHandler(lines: lines) }
            reconciler = Reconciler(
                store: store, environment: environment, observer: ReconcileObservers([metrics, ServiceLog(logger: logger)]),
                settings: ReconcilerSettings(replica: "test", sourceURL: "file:///repo"))
        }

        func push(_ revision: String) async {
            await environment.terraform.setOutputs(
                "app", UnitOutputs(values: ["endpoint": .string("web"), "password": .string(ServiceLogTests.canary)], sensitive: ["password"]))
            await environment.source.push(revision, ServiceLogTests.files)
            await reconciler.sync(.push)
            await reconciler.waitUntilIdle()
        }
    }

    @Test func aSyncAndItsRunAreLoggedAtInfoWithTheirFieldsAsMetadata() async throws {
        let fixture = Fixture()
        await fixture.push("r1")
        let run = try #require(try await fixture.store.runs(infrastructure: "web", status: nil, limit: 10).first)
        #expect(run.status == .succeeded)

        let validated = try #require(fixture.lines.of("validated").first)
        #expect(validated.level == .info)
        #expect(validated.metadata["revision"] == "r1")
        #expect(validated.message == "revision r1 is valid: 1 infrastructure")

        let queued = try #require(fixture.lines.of("queued").first)
        #expect(queued.level == .info)
        #expect(queued.metadata["infrastructure"] == "web")
        #expect(queued.message.hasPrefix("web: queued for revision r1: app changed"))

        for step in ["run-started", "run-finished"] {
            let line = try #require(fixture.lines.of(step).first, "\(step)")
            #expect(line.level == .info)
            #expect(line.metadata["infrastructure"] == "web")
            #expect(line.metadata["revision"] == "r1")
            #expect(line.metadata["run"] == run.id)
        }
        #expect(fixture.lines.of("run-started").first?.message == "web: apply of revision r1 started (push)")
        #expect(fixture.lines.of("sync-finished").first?.message == "revision r1 planned: 1 infrastructure: 1 queued")
        // Routine detail is logged at debug, below the service's level.
        #expect(fixture.lines.of("record-read").isEmpty)
        #expect(fixture.lines.all.allSatisfy { $0.level >= .info })
        // No sensitive output in any line or field.
        for line in fixture.lines.all {
            #expect(!line.message.contains(Self.canary))
            #expect(!line.metadata.values.contains { $0.contains(Self.canary) })
        }
        // The metrics still count beside the log.
        #expect(fixture.metrics.render().contains(#"terrace_runs_total{infrastructure="web",status="succeeded"} 1"#))
    }

    @Test func aRecordReadThatFailsIsAWarningWithItsAttemptAndDelay() async throws {
        let fixture = Fixture()
        await fixture.reconciler.setRecordRetryDelays(first: .seconds(120), longest: .seconds(600))
        await fixture.environment.stateBucket.fail()
        await fixture.push("r1")
        let retry = try #require(fixture.lines.of("retry-scheduled").first)
        #expect(retry.level == .warning)
        #expect(retry.metadata["infrastructure"] == "web")
        #expect(retry.metadata["revision"] == "r1")
        #expect(retry.metadata["attempt"] == "1")
        #expect(retry.metadata["delay"] == "120 s")
        #expect(retry.message.hasPrefix("web: state bucket unreachable: retry 1 in 120 s (cannot reach the state bucket `"))
        await fixture.reconciler.shutdown()
    }

    @Test func aUnitStepCarriesItsUnit() {
        let lines = Lines()
        let log = ServiceLog(logger: Logger(label: "terrace-test") { _ in CapturingHandler(lines: lines) })
        let run = ServiceRun(
            id: "20261121T000000Z-abc123", infrastructure: "web", revision: "r1", trigger: .manual, status: .running,
            replica: "test", queuedAt: Date(), requestedBy: "alice")
        if let step = ReconcileStep.unit(.phase(infrastructure: "web", unit: "app", phase: .plan), in: run) { log.step(step) }
        log.runStarted(run)
        let unit = try? #require(lines.of("unit-phase").first)
        #expect(unit?.message == "web: unit `app`: plan")
        #expect(unit?.metadata == ["step": "unit-phase", "infrastructure": "web", "revision": "r1", "run": run.id, "unit": "app"])
        #expect(lines.of("run-started").first?.message == "web: apply of revision r1 started (manual, asked by alice)")
    }
}
