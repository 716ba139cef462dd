import Foundation
import Testing
import TerraceCore
@testable import TerraceTerraform

/// The unit timeout against shell scripts standing in for a slow Terraform: SIGINT first, SIGKILL after the grace
/// period for one that ignores it, and a `.timedOut` failure that says which happened.
///
/// Each fake is initialized by a first plan without a tight timeout: inits of all tests in the process take turns
/// (``InitLock``), and waiting for another test's init must not count against the timeout under test.
@Suite struct TerraformTimeoutTests {
    /// A fake whose `command` runs `slow` once `$FAKE_ROOT/slow` exists, after a first plan has initialized it.
    static func initializedFake(
        _ command: String, slow: String, others: [String: String] = [:], name: String = #function
    ) async throws -> FakeTerraform {
        var commands = ["init": "mkdir -p .terraform", "plan": "exit 0"].merging(others) { _, given in given }
        commands[command] = "if [ -f \"$FAKE_ROOT/slow\" ]; then\n\(slow)\nfi\n" + (commands[command] ?? "exit 0")
        let fake = try FakeTerraform(commands, name: name)
        _ = try await fake.executor().plan(fake.job()) { _ in }
        try Data().write(to: URL(fileURLWithPath: fake.root + "/slow"))
        return fake
    }

    @Test func terraformStoppingOnTheInterruptFailsWithATimeout() async throws {
        let fake = try await Self.initializedFake("apply", slow: """
            trap 'echo interrupted > "$FAKE_ROOT/signal"; exit 130' INT
            touch "$FAKE_ROOT/started"
            sleep 600 & wait
            """)
        defer { fake.remove() }
        var job = fake.job()
        job.timeout = .milliseconds(500)
        do {
            _ = try await fake.executor().apply(job) { _ in }
            Issue.record("an apply past its timeout succeeded")
        } catch {
            #expect(error.code == .timedOut)
            #expect(error.phase == .apply)
            #expect(error.message == "timed out after 500ms; `terraform apply` was interrupted (SIGINT) and stopped (exit 130)")
            #expect(error.logPath == fake.executor().logPath(for: job))
            #expect(error.logTail.last == "<== stopped: `terraform apply` was interrupted (SIGINT) and stopped (exit 130)")
        }
        #expect(FileManager.default.fileExists(atPath: fake.root + "/started"))
        #expect((try? String(contentsOfFile: fake.root + "/signal", encoding: .utf8)) == "interrupted\n")
        // `output` never ran: the unit failed at the apply.
        #expect(fake.calls == ["init", "plan", "apply"])
    }

    @Test func terraformIgnoringTheInterruptIsKilledAndTheTimeoutSaysSo() async throws {
        let fake = try await Self.initializedFake("plan", slow: """
            echo $$ > "$FAKE_ROOT/pid"
            trap 'echo SIGINT >> "$FAKE_ROOT/signal"' INT
            touch "$FAKE_ROOT/started"
            while :; do sleep 1; done
            """)
        defer { fake.remove() }
        var job = fake.job()
        job.timeout = .milliseconds(300)
        do {
            _ = try await fake.executor(interruptGracePeriod: .milliseconds(500)).plan(job) { _ in }
            Issue.record("a plan past its timeout succeeded")
        } catch {
            #expect(error.code == .timedOut)
            #expect(error.phase == .plan)
            #expect(error.message == "timed out after 300ms; `terraform plan` was interrupted (SIGINT), did not stop within 500ms "
                + "and was killed (SIGKILL); its state lock may be left behind")
        }
        // It got SIGINT first (and ignored it)…
        #expect((try? String(contentsOfFile: fake.root + "/signal", encoding: .utf8))?.hasPrefix("SIGINT\n") == true)
        // …and is gone now: only SIGKILL ends that loop.
        let pid = try #require(Int32((try String(contentsOfFile: fake.root + "/pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }

    @Test func theTimeoutCoversTheWholeOperationNotEachCommand() async throws {
        // Each command takes a while, none alone reaches the timeout; together they do, and the retry is cut short.
        let fake = try await Self.initializedFake("plan", slow: """
            trap 'exit 130' INT
            echo 'Error: dial tcp 1.2.3.4:443: i/o timeout' >&2; sleep 0.4 & wait; exit 1
            """)
        defer { fake.remove() }
        var job = fake.job()
        job.timeout = .seconds(1)
        let policy = RetryPolicy(maxRetries: 100, baseDelay: .milliseconds(10))
        do {
            _ = try await fake.executor(retryPolicy: policy).plan(job) { _ in }
            Issue.record("a plan retried past its timeout succeeded")
        } catch {
            // Without the timeout, the 100 retries would end with the transient error itself (`.terraform`).
            #expect(error.code == .timedOut)
            #expect(error.phase == .plan)
            #expect(error.message.hasPrefix("timed out after 1s; "))
        }
        #expect(fake.calls.first == "init" && fake.calls.count > 2 && fake.calls.dropFirst().allSatisfy { $0 == "plan" })
    }

    @Test func aMissingBinaryPathIsReportedWhenRun() async throws {
        let fake = try FakeTerraform([:])
        defer { fake.remove() }
        let binary = try #require(TerraformSettings.Binary(rawValue: fake.root + "/bin/no-such-terraform"))
        do {
            _ = try await TerraformExecutor.checkBinary(binary)
            Issue.record("a missing binary passed the check")
        } catch {
            #expect(error.code == .setup)
            #expect(error.message == "cannot run \(fake.root)/bin/no-such-terraform: no such file")
        }
        let present = try #require(TerraformSettings.Binary(rawValue: fake.executable))
        let executor = TerraformExecutor(binary: present, workRoot: fake.root + "/work", logRoot: fake.root + "/logs")
        #expect(executor.executable == fake.executable)
    }
}
