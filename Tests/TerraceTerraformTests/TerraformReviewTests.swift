import Foundation
import Testing
import TerraceCore
import TerraceTestSupport
@testable import TerraceTerraform

/// Reviewed plans with the real Terraform and AWS provider against moto: `plan -out` kept for review, `apply PLANFILE`
/// exactly as reviewed, and plans that no longer match refused with nothing applied.
@Suite(.serialized, .enabled(if: endToEndToolsAvailable, "needs terraform, the provider mirror, moto and the aws CLI"))
struct TerraformReviewTests {
    @Test func aReviewedPlanIsAppliedExactlyAndAStaleOrAlteredOneNever() async throws {
        let root = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.write(TerraformEndToEndTests.module.mapKeys { "module/" + $0 }, in: root)
        let harness = try TerraformHarness.environment(in: root + "/terraform")
        try await MotoServer.with { server in
            let bucket = "terrace-review"
            try await TerraformEndToEndTests.createBucket(bucket, server: server)
            let executor = TerraformExecutor(
                binary: .terraform, workRoot: root + "/work", logRoot: root + "/logs",
                environment: harness.merging(server.environment) { _, moto in moto }, retryPolicy: .never)
            func job(_ value: String, run: String) -> UnitJob {
                Fixtures.job(
                    module: root + "/module", infrastructure: "review", unit: "param",
                    inputs: ["name": "/terrace/review/param", "value": .string(value)], endpoint: server.endpoint,
                    region: "us-east-1", bucket: bucket, runID: run, lockTimeoutSeconds: 5)
            }
            func parameter() async throws -> String {
                try await TerraformEndToEndTests.aws(
                    ["ssm", "get-parameter", "--name", "/terrace/review/param", "--query", "Parameter.Value", "--output", "text"],
                    server: server
                ).trimmingCharacters(in: .whitespacesAndNewlines)
            }

            // The review: one parameter to create, its sensitive value hidden, its ARN known after apply.
            let first = job("first-secret", run: "run-1")
            let review = try await executor.review(first) { _ in }
            #expect(review.summary == ResourceSummary(add: 1))
            let change = try #require(review.changes.first { $0.address == "aws_ssm_parameter.this" })
            #expect(change.action == "create")
            #expect(change.attributes.contains(AttributeChange(path: "name", before: nil, after: "\"/terrace/review/param\"")))
            #expect(change.attributes.contains(AttributeChange(path: "value", before: nil, after: "(sensitive)")))
            // What the provider fills in is listed in one row.
            let later = try #require(change.attributes.last)
            #expect(later.path.hasSuffix("more, (known after apply))"))
            #expect(later.after?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("arn") == true)
            #expect(review.changes.contains { $0.address == "output.value" && $0.attributes.first?.after == "(sensitive)" })
            let planPath = executor.reviewedPlanPath(review.planID)
            #expect(FileManager.default.fileExists(atPath: planPath))
            let encoded = String(decoding: try JSONEncoder().encode(review), as: UTF8.self)
            #expect(!encoded.contains("first-secret"))
            #expect(try await TerraformEndToEndTests.aws(["ssm", "describe-parameters"], server: server).contains("/terrace/review/param") == false)

            // Applied exactly as reviewed, with `apply PLANFILE`; the kept plan is gone afterwards.
            let outputs = try await executor.applyReviewed(first, plan: review) { _ in }
            #expect(outputs.sensitive == ["value"])
            #expect(try await parameter() == "first-secret")
            #expect(!FileManager.default.fileExists(atPath: planPath))
            let log = try String(contentsOfFile: executor.logPath(for: first), encoding: .utf8)
            #expect(log.contains("-lock-timeout=5s \(planPath)\n"))

            // A plan made, then the state moves (another apply): Terraform refuses the saved plan; nothing applied.
            let reviewedChange = try await executor.review(job("second-secret", run: "run-2")) { _ in }
            #expect(reviewedChange.summary == ResourceSummary(change: 1))
            _ = try await executor.apply(job("third-secret", run: "run-3")) { _ in }
            let stale = await #expect(throws: UnitFailure.self) {
                _ = try await executor.applyReviewed(job("second-secret", run: "run-2"), plan: reviewedChange) { _ in }
            }
            #expect(stale?.code == .stalePlan)
            #expect(try await parameter() == "third-secret")

            // A kept plan altered on disk is refused before Terraform sees it.
            let altered = try await executor.review(job("fourth-secret", run: "run-4")) { _ in }
            try Data("not a plan".utf8).write(to: URL(fileURLWithPath: executor.reviewedPlanPath(altered.planID)))
            let refused = await #expect(throws: UnitFailure.self) {
                _ = try await executor.applyReviewed(job("fourth-secret", run: "run-4"), plan: altered) { _ in }
            }
            #expect(refused?.code == .stalePlan)
            #expect(try await parameter() == "third-secret")

            // A discarded plan is removed.
            let discarded = try await executor.review(job("fifth-secret", run: "run-5")) { _ in }
            await executor.discardReviewed(job("fifth-secret", run: "run-5"), plan: discarded)
            #expect(!FileManager.default.fileExists(atPath: executor.reviewedPlanPath(discarded.planID)))
        }
    }
}
