import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("Offline plan: change classification")
struct PlannerTests {
    func plan(_ repo: TestRepo, _ records: [InfrastructureRecord], selection: Set<String>? = nil) async throws -> Plan {
        let repository = try await repo.loadValid()
        let byName = Dictionary(uniqueKeysWithValues: records.map { ($0.infrastructure, $0) })
        return try Planner.plan(repository, records: byName, selection: selection).get()
    }

    func actions(_ plan: Plan, _ infrastructure: String) -> [String: String] {
        let units = plan.infrastructures.first { $0.name == infrastructure }?.units ?? []
        return Dictionary(uniqueKeysWithValues: units.map { ($0.name, $0.actionLabel) })
    }

    @Test("with no record every unit is created, in dependency order")
    func everythingNew() async throws {
        let plan = try await plan(TestRepo(Fixtures.valid), [])
        #expect(plan.hasChanges)
        #expect(plan.summary.create == 10)
        let dev = try #require(plan.infrastructures.first)
        #expect(dev.units.map(\.name) == ["backend", "network", "domain", "kubernetes", "api", "addons", "web", "argocd"])
        #expect(dev.units.allSatisfy { $0.action == .create })
        // Units whose inputs need upstream outputs have no digest yet; the others do.
        #expect(dev.units.first { $0.name == "backend" }?.digest != nil)
        #expect(dev.units.first { $0.name == "api" }?.digest == nil)
        #expect(dev.units.first { $0.name == "api" }?.pendingUpstream == ["network"])
    }

    @Test("after an apply, nothing changes")
    func unchanged() async throws {
        let repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        let records = try ["dev", "prod"].map { try SimulatedApply.record(repository, infrastructure: $0) }
        let plan = try await plan(repo, records)
        #expect(!plan.hasChanges)
        #expect(plan.summary.unchanged == 10)
        #expect(plan.infrastructures.flatMap(\.units).allSatisfy { $0.digest != nil && $0.digest == $0.recordedDigest })
    }

    @Test("editing a module's file updates every unit using it, naming the module as the reason")
    func moduleEdit() async throws {
        var repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        let records = try ["dev", "prod"].map { try SimulatedApply.record(repository, infrastructure: $0) }
        repo.write("modules/app/main.tf", Fixtures.appModule["modules/app/main.tf", default: ""] + "\n# tuned\n")
        let plan = try await plan(repo, records)
        #expect(actions(plan, "dev")["api"] == "update")
        #expect(actions(plan, "prod")["api"] == "update")
        #expect(plan.infrastructures.flatMap(\.units).first { $0.name == "api" }?.reasons == ["module changed"])
        // `web` reads `api.bucket`, which may change with the apply: it waits for it.
        #expect(actions(plan, "dev")["web"] == "update (pending upstream)")
        #expect(plan.infrastructures.first?.units.first { $0.name == "web" }?.pendingUpstream == ["api"])
        #expect(actions(plan, "dev")["network"] == "unchanged")
        #expect(plan.summary.update == 3)
    }

    @Test("a changed input updates the unit and marks units reading its outputs pending; dependsOn alone does not")
    func upstreamOutputDependency() async throws {
        var repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        let records = try ["dev", "prod"].map { try SimulatedApply.record(repository, infrastructure: $0) }
        repo.write("infra/dev.yaml", Fixtures.dev.replacingOccurrences(of: "cidr: 10.0.0.0/16", with: "cidr: 10.9.0.0/16"))
        let plan = try await plan(repo, records)
        let dev = actions(plan, "dev")
        #expect(dev["network"] == "update")
        #expect(plan.infrastructures.first?.units.first { $0.name == "network" }?.reasons == ["inputs changed: cidr"])
        #expect(dev["kubernetes"] == "update (pending upstream)")
        #expect(dev["api"] == "update (pending upstream)")
        #expect(dev["web"] == "update (pending upstream)")
        // addons reads kubernetes' outputs (pending), so it waits as well; domain and backend do not read network.
        #expect(dev["addons"] == "update (pending upstream)")
        #expect(dev["domain"] == "unchanged")
        #expect(dev["backend"] == "unchanged")
        #expect(actions(plan, "prod").values.allSatisfy { $0 == "unchanged" })
    }

    @Test("a unit that only dependsOn a changing unit stays unchanged")
    func dependsOnOnly() async throws {
        var repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        let records = try ["dev"].map { try SimulatedApply.record(repository, infrastructure: $0) }
        // kubernetes changes (node count); web dependsOn kubernetes but reads none of its outputs.
        repo.write("infra/dev.yaml", Fixtures.dev.replacingOccurrences(of: "max: 4", with: "max: 6"))
        let plan = try await plan(repo, records, selection: ["dev"])
        let dev = actions(plan, "dev")
        #expect(dev["kubernetes"] == "update")
        #expect(dev["web"] == "unchanged")
        #expect(dev["addons"] == "update (pending upstream)")
        #expect(plan.infrastructures.map(\.name) == ["dev"])
    }

    @Test("a recorded output that changes without a manifest change shows as an input change downstream")
    func recordedOutputsFeedDigests() async throws {
        let repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        var record = try SimulatedApply.record(repository, infrastructure: "dev")
        record.units["network"]?.outputs["vpc_id"] = "vpc-replaced"
        let plan = try await plan(repo, [record], selection: ["dev"])
        let dev = actions(plan, "dev")
        #expect(dev["network"] == "unchanged")
        #expect(dev["api"] == "update")
        #expect(plan.infrastructures.first?.units.first { $0.name == "api" }?.reasons == ["inputs changed: vpc_id"])
        #expect(dev["kubernetes"] == "update")
    }

    @Test("units recorded but no longer declared are destroyed first, dependents before dependencies")
    func removedUnits() async throws {
        var repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        let record = try SimulatedApply.record(repository, infrastructure: "dev")
        let trimmed = Fixtures.dev.components(separatedBy: "units:").first ?? ""
        repo.write("infra/dev.yaml", trimmed)
        let plan = try await plan(repo, [record], selection: ["dev"])
        let units = try #require(plan.infrastructures.first).units
        #expect(units.prefix(2).map(\.name) == ["web", "api"])
        #expect(units.prefix(2).allSatisfy { $0.action == .destroy && $0.reasons == ["no longer declared"] && $0.kind == "removed" })
        #expect(plan.summary.destroy == 2)
        #expect(plan.summary.unchanged == 6)
    }

    @Test("changing the region changes every unit's settings digest")
    func settingsChange() async throws {
        var repo = TestRepo(Fixtures.valid)
        let repository = try await repo.loadValid()
        let record = try SimulatedApply.record(repository, infrastructure: "prod")
        repo.write("infra/prod.yml", Fixtures.prod.replacingOccurrences(of: "us-east-1", with: "us-west-2"))
        let plan = try await plan(repo, [record], selection: ["prod"])
        let units = try #require(plan.infrastructures.first).units
        #expect(units.first { $0.name == "network" }?.reasons == ["cloud or backend settings changed"])
        #expect(units.first { $0.name == "api" }?.actionLabel == "update (pending upstream)")
    }

    @Test("digests are stable: same repository, same digests; canonical JSON ignores key order")
    func stableDigests() async throws {
        let first = try await plan(TestRepo(Fixtures.valid), [])
        let second = try await plan(TestRepo(Fixtures.valid), [])
        #expect(first == second)
        let a: Value = ["b": 1, "a": ["x", 2.5, true, .null]]
        let b: Value = ["a": ["x", 2.5, true, .null], "b": 1]
        #expect(a.canonicalJSON == #"{"a":["x",2.5,true,null],"b":1}"#)
        #expect(a.canonicalJSON == b.canonicalJSON)
    }

    @Test("the in-memory state store keeps records by infrastructure")
    func inMemoryStore() async throws {
        let store = InMemoryStateStore()
        #expect(try await store.load(infrastructure: "dev") == nil)
        try await store.save(InfrastructureRecord(infrastructure: "dev"))
        try await store.save(InfrastructureRecord(infrastructure: "ops"))
        #expect(try await store.infrastructures() == ["dev", "ops"])
        try await store.remove(infrastructure: "dev")
        #expect(try await store.infrastructures() == ["ops"])
    }
}
