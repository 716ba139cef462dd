import Foundation
import Testing
import TerraceCore
@testable import TerraceTerraform

/// Process handling against shell scripts standing in for Terraform (quick; no provider is started).
@Suite struct TerraformProcessTests {
    @Test func missingBinaryIsASetupFailure() async throws {
        do {
            _ = try await TerraformExecutor.checkBinary(executable: "terrace-no-such-terraform")
            Issue.record("a missing binary passed the check")
        } catch {
            #expect(error.code == .setup)
            #expect(error.message.contains("was not found on the PATH"))
        }
        let fake = try FakeTerraform([:])
        defer { fake.remove() }
        let executor = TerraformExecutor(
            executable: fake.root + "/bin/missing", workRoot: fake.root + "/work", logRoot: fake.root + "/logs")
        do {
            _ = try await executor.plan(fake.job()) { _ in }
            Issue.record("plan ran without a binary")
        } catch {
            #expect(error.code == .setup)
            #expect(error.phase == .`init`)
            #expect(error.message.contains("no such file"))
        }
    }

    @Test func versionCheckOfAFakeBinary() async throws {
        let old = try FakeTerraform(["version": #"echo '{"terraform_version":"1.4.6","platform":"linux_amd64"}'"#])
        defer { old.remove() }
        do {
            _ = try await TerraformExecutor.checkBinary(executable: old.executable)
            Issue.record("an old binary passed")
        } catch {
            #expect(error.code == .setup)
            #expect(error.message == "terraform 1.4.6 is too old: Terrace needs 1.5 or later")
        }
        let recent = try FakeTerraform(["version": #"echo '{"terraform_version":"1.8.3"}'"#])
        defer { recent.remove() }
        #expect(try await recent.executor().checkBinary() == "1.8.3")
    }

    @Test func initIsSkippedWhenNothingItDependsOnChanged() async throws {
        let fake = try FakeTerraform([
            "init": "mkdir -p .terraform; echo 'Terraform has been successfully initialized!'",
            "plan": "echo 'No changes.'; exit 0",
        ])
        defer { fake.remove() }
        let executor = fake.executor()
        let recorder = PhaseRecorder()
        #expect(try await executor.plan(fake.job(), progress: recorder.callback) == ResourceSummary())
        #expect(recorder.phases == [.`init`, .plan])
        recorder.reset()
        #expect(try await executor.plan(fake.job(), progress: recorder.callback) == ResourceSummary())
        #expect(recorder.phases == [.plan])
        #expect(fake.calls == ["init", "plan", "plan"])

        let log = try String(contentsOfFile: executor.logPath(for: fake.job()), encoding: .utf8)
        #expect(log.contains(" terraform init -input=false -no-color -reconfigure\n"))
        #expect(log.contains("Terraform has been successfully initialized!"))
        #expect(log.components(separatedBy: "==> ").count == 4)
    }

    @Test func concurrentInitsRunOneAtATime() async throws {
        let fake = try FakeTerraform([
            "init": """
                echo start >> "$FAKE_ROOT/trace"; sleep 0.2; echo end >> "$FAKE_ROOT/trace"; mkdir -p .terraform
                """,
            "plan": "exit 0",
        ])
        defer { fake.remove() }
        let executor = fake.executor()
        try await withThrowingTaskGroup(of: ResourceSummary.self) { group in
            for unit in ["a", "b", "c"] {
                let job = fake.job(unit: unit)
                group.addTask { try await executor.plan(job) { _ in } }
            }
            try await group.waitForAll()
        }
        let trace = try String(contentsOfFile: fake.root + "/trace", encoding: .utf8)
        #expect(trace == "start\nend\nstart\nend\nstart\nend\n")
    }

    @Test func terraformErrorsBecomeFailuresWithTheSummary() async throws {
        let fake = try FakeTerraform([
            "init": "mkdir -p .terraform",
            "plan": "echo 'Planning...'; printf '\\nError: Invalid value for variable\\n\\n  on variables.tf line 1:\\n' >&2; exit 1",
        ])
        defer { fake.remove() }
        do {
            _ = try await fake.executor().plan(fake.job()) { _ in }
            Issue.record("a failing plan passed")
        } catch {
            #expect(error.code == .terraform)
            #expect(error.phase == .plan)
            #expect(error.message == "Invalid value for variable")
            #expect(error.logTail.contains("Error: Invalid value for variable"))
            #expect(error.logTail.last == "<== exit 1 after 0.0 s" || error.logTail.last?.hasPrefix("<== exit 1") == true)
            #expect(error.logPath == fake.executor().logPath(for: fake.job()))
        }
    }

    @Test func lockErrorsBecomeLockedFailures() async throws {
        let lockOutput = TerraformDiagnosticsTests.lockError.replacingOccurrences(of: "'", with: "")
        let fake = try FakeTerraform(["init": "mkdir -p .terraform", "destroy": "cat <<'EOF' >&2\n\(lockOutput)\nEOF\nexit 1"])
        defer { fake.remove() }
        do {
            try await fake.executor(retryPolicy: .default).destroy(fake.job()) { _ in }
            Issue.record("a locked destroy passed")
        } catch {
            #expect(error.code == .locked)
            #expect(error.phase == .destroy)
            #expect(error.message.contains("ID: abc-123"))
            #expect(error.message.contains("Who: bob@host"))
        }
        #expect(fake.calls == ["init", "destroy"])
        #expect(FileManager.default.fileExists(atPath: fake.executor().workingDirectory(for: fake.job())))
    }

    @Test func transientErrorsAreRetried() async throws {
        let fake = try FakeTerraform([
            "init": "mkdir -p .terraform",
            "plan": """
                n=$(cat "$FAKE_ROOT/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$FAKE_ROOT/count"
                if [ $n -le 2 ]; then echo 'Error: creating IAM Role: ThrottlingException: Rate exceeded' >&2; exit 1; fi
                echo 'changes'; exit 2
                """,
            "show": #"echo '{"resource_changes":[{"change":{"actions":["create"]}}]}'"#,
        ])
        defer { fake.remove() }
        let policy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(10))
        #expect(try await fake.executor(retryPolicy: policy).plan(fake.job()) { _ in } == ResourceSummary(add: 1))
        #expect(fake.calls == ["init", "plan", "plan", "plan", "show"])
        let log = try String(contentsOfFile: fake.executor().logPath(for: fake.job()), encoding: .utf8)
        #expect(log.contains("==> transient error: retry 2 of 3"))
    }

    @Test func retriesAreBounded() async throws {
        let fake = try FakeTerraform([
            "init": "mkdir -p .terraform",
            "plan": "echo 'Error: dial tcp 1.2.3.4:443: i/o timeout' >&2; exit 1",
        ])
        defer { fake.remove() }
        let policy = RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(1))
        await #expect(throws: UnitFailure.self) { try await fake.executor(retryPolicy: policy).plan(fake.job()) { _ in } }
        #expect(fake.calls == ["init", "plan", "plan", "plan"])
    }

    @Test func applyRunsOneApplyThenReadsOutputs() async throws {
        let fake = try FakeTerraform([
            "init": "mkdir -p .terraform",
            "apply": "exit 0",
            "output": #"echo '{"id":{"sensitive":false,"type":"string","value":"abc"},"pw":{"sensitive":true,"type":"string","value":"s3cret"}}'"#,
        ])
        defer { fake.remove() }
        let recorder = PhaseRecorder()
        let outputs = try await fake.executor().apply(fake.job(), progress: recorder.callback)
        #expect(outputs == UnitOutputs(values: ["id": "abc", "pw": "s3cret"], sensitive: ["pw"]))
        #expect(recorder.phases == [.`init`, .apply, .output])
        #expect(fake.calls == ["init", "apply", "output"])
        // Captured JSON never reaches the log: it may hold sensitive values.
        let log = try String(contentsOfFile: fake.executor().logPath(for: fake.job()), encoding: .utf8)
        #expect(!log.contains("s3cret"))
    }

    @Test func cancellationInterruptsTerraform() async throws {
        let fake = try FakeTerraform([
            "init": """
                trap 'echo interrupted > "$FAKE_ROOT/signal"; exit 130' INT
                touch "$FAKE_ROOT/started"
                sleep 30 & wait
                """,
        ])
        defer { fake.remove() }
        let executor = fake.executor()
        let job = fake.job()
        let task = Task { try await executor.plan(job) { _ in } }
        try await waitFor(fake.root + "/started")
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("a cancelled plan passed")
        } catch let failure as UnitFailure {
            #expect(failure.code == .cancelled)
            #expect(failure.phase == .`init`)
        }
        // SIGINT reached it (its trap wrote the file) rather than the 30 s sleep running out.
        #expect((try? String(contentsOfFile: fake.root + "/signal", encoding: .utf8)) == "interrupted\n")
    }

    @Test func terraformIgnoringTheInterruptIsKilledAfterTheGracePeriod() async throws {
        let fake = try FakeTerraform([
            "init": """
                trap '' INT
                touch "$FAKE_ROOT/started"
                sleep 30
                """,
        ])
        defer { fake.remove() }
        let executor = fake.executor(interruptGracePeriod: .milliseconds(300))
        let job = fake.job()
        let task = Task { try await executor.plan(job) { _ in } }
        try await waitFor(fake.root + "/started")
        task.cancel()
        let failure = await #expect(throws: UnitFailure.self) { try await task.value }
        // Killed by SIGKILL after the grace, not ended by its 30 s sleep.
        #expect(failure?.stopNote?.contains("was killed (SIGKILL)") == true, "\(String(describing: failure?.stopNote))")
    }

    private func waitFor(_ path: String) async throws {
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: path) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(FileManager.default.fileExists(atPath: path))
    }
}
