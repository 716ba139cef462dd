import Foundation
import Testing
import TerraceCore
import TerraceTestSupport
@testable import TerraceTerraform

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The real Terraform binary and AWS provider against moto's local AWS API on 127.0.0.1.
///
/// Skipped when Terraform, the offline provider mirror, moto or the AWS CLI is missing.
@Suite(.serialized, .enabled(if: endToEndToolsAvailable, "needs terraform, the provider mirror, moto and the aws CLI"))
struct TerraformEndToEndTests {
    static let module: [String: String] = [
        "versions.tf": """
            terraform {
              required_version = ">= 1.5"
              required_providers {
                aws = {
                  source  = "hashicorp/aws"
                  version = ">= 5.0, < 6.0"
                }
              }
            }

            """,
        "main.tf": """
            variable "name" {
              type = string
            }

            variable "value" {
              type      = string
              sensitive = true
            }

            resource "aws_ssm_parameter" "this" {
              name  = var.name
              type  = "String"
              value = var.value
            }

            output "arn" {
              value = aws_ssm_parameter.this.arn
            }

            output "value" {
              value     = aws_ssm_parameter.this.value
              sensitive = true
            }

            """,
    ]

    @Test func planApplyRerunDestroyAndFailure() async throws {
        let root = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.write(Self.module.mapKeys { "module/" + $0 }, in: root)
        let harness = try TerraformHarness.environment(in: root + "/terraform")
        var timings: [(String, Duration)] = []
        let clock = ContinuousClock()
        func timed<T>(_ label: String, _ body: () async throws -> T) async rethrows -> T {
            let start = clock.now
            defer { timings.append((label, clock.now - start)) }
            return try await body()
        }

        var commandTimes: [String] = []
        try await MotoServer.with { server in
            let bucket = "terrace-state"
            try await timed("create bucket") {
                try await Self.createBucket(bucket, server: server)
            }
            let executor = TerraformExecutor(
                binary: .terraform, workRoot: root + "/work", logRoot: root + "/logs",
                environment: harness.merging(server.environment) { _, moto in moto }, retryPolicy: .never)
            #expect(try await timed("version check") { try await executor.checkBinary() }.hasPrefix("1."))

            let job = Fixtures.job(
                module: root + "/module", infrastructure: "e2e", unit: "param",
                inputs: ["name": "/terrace/e2e/param", "value": "s3cret-value"], endpoint: server.endpoint,
                region: "us-east-1", bucket: bucket, runID: "run-1", lockTimeoutSeconds: 5)
            let recorder = PhaseRecorder()

            // plan: one parameter to add.
            let summary = try await timed("plan (init + plan + show)") { try await executor.plan(job, progress: recorder.callback) }
            #expect(summary == ResourceSummary(add: 1))
            #expect(recorder.phases == [.`init`, .plan])

            // apply: outputs, the sensitive one recorded as such; init skipped this time.
            recorder.reset()
            let outputs = try await timed("apply (apply + output)") { try await executor.apply(job, progress: recorder.callback) }
            #expect(recorder.phases == [.apply, .output])
            #expect(outputs.values["arn"] == "arn:aws:ssm:us-east-1:123456789012:parameter/terrace/e2e/param")
            #expect(outputs.values["value"] == "s3cret-value")
            #expect(outputs.sensitive == ["value"])

            // plan again: nothing to do.
            recorder.reset()
            #expect(try await timed("plan again") { try await executor.plan(job, progress: recorder.callback) } == ResourceSummary())
            #expect(recorder.phases == [.plan])

            // apply again: nothing changes, the same outputs come back.
            recorder.reset()
            let again = try await timed("apply again") { try await executor.apply(job, progress: recorder.callback) }
            #expect(recorder.phases == [.apply, .output])
            #expect(again == outputs)

            // The log has every command and never the secret (Terraform redacts it).
            let log = try String(contentsOfFile: executor.logPath(for: job), encoding: .utf8)
            #expect(log.contains(" terraform apply -input=false -no-color -auto-approve -lock-timeout=5s\n"))
            #expect(!log.contains("s3cret-value"))

            // destroy: the state is empty afterwards and the working directory gone.
            recorder.reset()
            try await timed("destroy (init + destroy)") { try await executor.destroy(job, progress: recorder.callback) }
            #expect(recorder.phases == [.destroy])
            #expect(!FileManager.default.fileExists(atPath: executor.workingDirectory(for: job)))
            let state = try await Self.aws(["s3", "cp", "s3://\(bucket)/\(job.stateKey)", "-"], server: server)
            let resources = try JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any]
            #expect((resources?["resources"] as? [Any])?.isEmpty == true)

            // A name the cloud rejects: the failure names the phase and carries Terraform's message.
            let reserved = Fixtures.job(
                module: root + "/module", infrastructure: "e2e", unit: "reserved",
                inputs: ["name": "/aws/reserved", "value": "x"], endpoint: server.endpoint, region: "us-east-1",
                bucket: bucket, runID: "run-1")
            do {
                _ = try await timed("failing apply") { try await executor.apply(reserved) { _ in } }
                Issue.record("a reserved parameter name was applied")
            } catch let failure as UnitFailure {
                #expect(failure.code == .terraform)
                #expect(failure.phase == .apply)
                #expect(failure.message.hasPrefix("creating SSM Parameter (/aws/reserved)"))
                #expect(failure.message.contains("reserved parameter name"))
                #expect(failure.logPath == executor.logPath(for: reserved))
                #expect(!failure.logTail.isEmpty)
            }
            for unit in [job, reserved] {
                let log = (try? String(contentsOfFile: executor.logPath(for: unit), encoding: .utf8)) ?? ""
                var command = ""
                for line in log.split(separator: "\n") {
                    if line.hasPrefix("==> ") { command = line.split(separator: " ").dropFirst(2).prefix(2).joined(separator: " ") }
                    if line.hasPrefix("<== exit") { commandTimes.append("\(command) \(line.split(separator: " ").suffix(2).joined(separator: " "))") }
                }
            }
        }
        let report = timings.map { "\($0.0): \($0.1.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))" }
        print("Terraform end-to-end timings: " + report.joined(separator: "; "))
        print("Terraform commands: " + commandTimes.joined(separator: "; "))
    }

    /// Creates the state bucket with the AWS CLI against moto.
    static func createBucket(_ name: String, server: MotoServer) async throws {
        _ = try await aws(["s3", "mb", "s3://\(name)"], server: server)
    }

    /// Runs the AWS CLI against moto and returns its standard output.
    static func aws(_ arguments: [String], server: MotoServer) async throws -> String {
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env", ["aws", "--endpoint-url", server.endpoint] + arguments,
            in: FileManager.default.temporaryDirectory, environment: server.environment)
        guard output.status == 0 else {
            throw HarnessError("aws \(arguments.joined(separator: " ")) failed with exit code \(output.status)")
        }
        return output.stdout
    }

}

/// Whether Terraform, the offline provider mirror, Python (for moto) and the AWS CLI are all here.
let endToEndToolsAvailable: Bool = {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
    let found = { (command: String) in folders.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(command)") } }
    return TerraformHarness.findMirror() != nil && found("terraform") && found("aws") && found("python3")
}()

extension Dictionary {
    /// The dictionary with every key transformed.
    func mapKeys<T: Hashable>(_ transform: (Key) -> T) -> [T: Value] {
        Dictionary<T, Value>(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
