import Foundation
import TerraceCore

extension TerraformExecutor {
    /// The environment every process gets over the inherited one: the caller's variables, the plugin cache,
    /// and Terraform's automation switches (no prompts, no update checks unless asked for).
    var processEnvironment: [String: String] {
        // Without a lock file entry (a fresh working directory), `init` would otherwise unpack the provider
        // into the shared cache again, replacing the folder that running units' `.terraform/providers`
        // links point to: a concurrent plan or apply then fails with "Required plugins are not installed".
        var variables = ["CHECKPOINT_DISABLE": "1", "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "1"]
        variables.merge(environment) { _, given in given }
        if let pluginCacheDirectory { variables["TF_PLUGIN_CACHE_DIR"] = pluginCacheDirectory }
        variables["TF_IN_AUTOMATION"] = "1"
        variables["TF_INPUT"] = "0"
        return variables
    }

    /// The process runner with this executor's binary and environment.
    var process: TerraformProcess {
        TerraformProcess(executable: executable, environment: processEnvironment, interruptGracePeriod: interruptGracePeriod)
    }

    /// Refreshes the job's working directory and returns what the phases need.
    func prepare(_ job: UnitJob) throws(UnitFailure) -> UnitContext {
        let directory = WorkingDirectory(workRoot: workRoot, job: job)
        let log = UnitLog(logRoot: logRoot, job: job)
        if let pluginCacheDirectory {
            try? FileManager.default.createDirectory(atPath: pluginCacheDirectory, withIntermediateDirectories: true)
        }
        do {
            try directory.refresh(for: job)
        } catch {
            throw UnitFailure(error.code, phase: error.phase, error.message, logTail: error.logTail, logPath: log.path)
        }
        return UnitContext(job: job, directory: directory, log: log, process: process)
    }

    /// Runs `init` unless the last successful one had the same configuration; returns whether it ran.
    ///
    /// Inits run one at a time in this process (``InitLock``): they write to the shared plugin cache.
    @discardableResult
    func initialize(
        _ context: UnitContext, force: Bool = false, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> Bool {
        let digest = context.directory.initDigest(context: initContext(for: context.job))
        if !force, context.directory.isInitialized(digest: digest) { return false }
        progress(.`init`)
        context.directory.clearInitMarker()
        await InitLock.shared.acquire()
        let result: Result<TerraformProcess.Outcome, UnitFailure>
        do {
            result = .success(try await runWithRetries(
                ["init", "-input=false", "-no-color", "-reconfigure"], phase: .`init`, context: context))
        } catch {
            result = .failure(error)
        }
        await InitLock.shared.release()
        let outcome = try result.get()
        guard outcome.exitCode == 0 else { throw failure(for: outcome, phase: .`init`, context: context) }
        context.directory.markInitialized(digest: digest)
        return true
    }

    /// Runs `plan -detailed-exitcode` into the saved plan and returns whether it changes anything
    /// (resources or outputs). When Terraform asks for `init` after one was skipped, inits and plans again.
    func runPlan(
        _ context: UnitContext, planFile: String = WorkingDirectory.planFileName, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> Bool {
        let arguments = [
            "plan", "-input=false", "-no-color", "-lock-timeout=\(context.job.lockTimeoutSeconds)s",
            "-out=\(planFile)", "-detailed-exitcode",
        ]
        progress(.plan)
        context.directory.removePlan()
        var outcome = try await runWithRetries(arguments, phase: .plan, context: context, accepted: [0, 2])
        if outcome.exitCode == 1, TerraformDiagnostics.needsInit(outcome.output), !TerraformDiagnostics.isLockError(outcome.output) {
            context.log.append("==> Terraform asks for init: initializing again")
            try await initialize(context, force: true, progress: progress)
            progress(.plan)
            outcome = try await runWithRetries(arguments, phase: .plan, context: context, accepted: [0, 2])
        }
        guard outcome.exitCode == 0 || outcome.exitCode == 2 else {
            throw failure(for: outcome, phase: .plan, context: context)
        }
        return outcome.exitCode == 2
    }

    /// Reads the saved plan with `show -json` and counts its resource changes.
    func summarizePlan(_ context: UnitContext) async throws(UnitFailure) -> ResourceSummary {
        try readPlan(context, try await showPlan(context, planFile: WorkingDirectory.planFileName), TerraformJSON.resourceSummary(planJSON:))
    }

    /// The saved plan `planFile` as `show -json` prints it.
    func showPlan(_ context: UnitContext, planFile: String) async throws(UnitFailure) -> [UInt8] {
        let outcome = try await runWithRetries(
            ["show", "-no-color", "-json", planFile], phase: .plan, context: context, captureStandardOutput: true)
        guard outcome.exitCode == 0 else { throw failure(for: outcome, phase: .plan, context: context) }
        return outcome.standardOutput
    }

    /// Reads a plan's `show -json` with `parse`, a parse error becoming a setup failure.
    func readPlan<T>(
        _ context: UnitContext, _ json: [UInt8], _ parse: ([UInt8]) throws(TerraformJSON.ParseError) -> T
    ) throws(UnitFailure) -> T {
        do {
            return try parse(json)
        } catch {
            throw UnitFailure(.setup, phase: .plan, "cannot read the plan printed by `\(context.process.displayName) show -json`",
                              logPath: context.log.path)
        }
    }

    /// Reads the unit's outputs with `output -json`.
    func readOutputs(_ context: UnitContext, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        progress(.output)
        let outcome = try await runWithRetries(
            ["output", "-no-color", "-json"], phase: .output, context: context, captureStandardOutput: true)
        guard outcome.exitCode == 0 else { throw failure(for: outcome, phase: .output, context: context) }
        do {
            return try TerraformJSON.outputs(outputJSON: outcome.standardOutput)
        } catch {
            throw UnitFailure(.setup, phase: .output, "cannot read the outputs printed by `\(context.process.displayName) output -json`",
                              logPath: context.log.path)
        }
    }

    /// Runs a command, throwing its failure unless it exits with 0, after retries of transient errors.
    func runRetrying(_ arguments: [String], phase: UnitPhase, context: UnitContext) async throws(UnitFailure) -> TerraformProcess.Outcome {
        let outcome = try await runWithRetries(arguments, phase: phase, context: context)
        guard outcome.exitCode == 0 else { throw failure(for: outcome, phase: phase, context: context) }
        return outcome
    }

    /// Runs a command and runs it again after transient errors, as ``retryPolicy`` allows; returns the
    /// last outcome, successful (an `accepted` exit code) or not.
    func runWithRetries(
        _ arguments: [String], phase: UnitPhase, context: UnitContext, accepted: Set<Int32> = [0],
        captureStandardOutput: Bool = false
    ) async throws(UnitFailure) -> TerraformProcess.Outcome {
        var failures = 0
        while true {
            let outcome = try await context.process.run(
                arguments, in: context.directory.path, phase: phase, log: context.log,
                captureStandardOutput: captureStandardOutput)
            if accepted.contains(outcome.exitCode) { return outcome }
            failures += 1
            guard let delay = retryPolicy.retryDelay(afterFailures: failures, output: outcome.output) else { return outcome }
            try await backOff(delay, failures: failures, phase: phase, context: context)
        }
    }

    /// Waits before a retry, noting it in the log; cancellation ends the wait with `.cancelled`.
    func backOff(_ delay: Duration, failures: Int, phase: UnitPhase, context: UnitContext) async throws(UnitFailure) {
        context.log.append("==> transient error: retry \(failures) of \(retryPolicy.maxRetries) in \(delay)")
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw UnitFailure(
                .cancelled, phase: phase, "cancelled while waiting to retry", logPath: context.log.path,
                stopNote: "it was waiting to retry after a transient error")
        }
    }

    /// The failure a failed command stands for: `.locked` for a state lock error, `.terraform` otherwise,
    /// with Terraform's first error summary as message.
    func failure(for outcome: TerraformProcess.Outcome, phase: UnitPhase, context: UnitContext) -> UnitFailure {
        let tail = TerraformDiagnostics.tail(of: outcome.output)
        if TerraformDiagnostics.isLockError(outcome.output) {
            return UnitFailure(.locked, phase: phase, TerraformDiagnostics.lockMessage(in: outcome.output),
                               logTail: tail, logPath: context.log.path)
        }
        let message = TerraformDiagnostics.errorSummary(in: outcome.output)
            ?? "`\(context.process.displayName) \(phase.rawValue)` failed with exit code \(outcome.exitCode)"
        return UnitFailure(.terraform, phase: phase, message, logTail: tail, logPath: context.log.path)
    }

    /// What `init`'s result depends on besides the working directory's files.
    private func initContext(for job: UnitJob) -> [String] {
        let variables = processEnvironment
        let moduleLock = (try? String(contentsOfFile: job.module.directory + "/.terraform.lock.hcl", encoding: .utf8)) ?? ""
        return [
            executable, variables["TF_CLI_CONFIG_FILE"] ?? "", variables["TF_PLUGIN_CACHE_DIR"] ?? "",
            moduleLock,
        ]
    }
}
