import Foundation
import TerraceCore

/// Runs the Terraform (or OpenTofu) binary for one unit at a time: init, plan, apply, output and destroy
/// in the unit's working directory, each command's output appended to the unit's log file.
///
/// - Working directory: `<workRoot>/<infrastructure>/<unit>/`, the module's files plus `terrace_backend.tf`
///   (S3 state at ``UnitJob/stateKey`` with a lock file), `terrace_provider.tf` and `terraform.tfvars.json`.
/// - Log: `<logRoot>/<runID>/<infrastructure>/<unit>.log`, a header line before each command.
/// - `apply` is one `terraform apply -auto-approve` (plan and apply in one process); `plan` saves its plan
///   only to read the resource summary from it, then removes it.
/// - `init` is skipped when the last one succeeded with the same backend, provider and provider
///   requirements; inits of concurrent units run one at a time (the plugin cache is shared).
/// - Transient cloud errors are retried following ``retryPolicy``; a cancelled task interrupts Terraform
///   (SIGINT, then SIGKILL after ``interruptGracePeriod``) and throws `.cancelled`.
/// - Each operation (plan, apply, destroy, review, applying a reviewed plan) runs within ``UnitJob/timeout``: past
///   it, Terraform is interrupted the same way and the operation throws `.timedOut`.
public struct TerraformExecutor: UnitExecutor {
    /// The binary's name (looked up on the PATH) or path.
    public let executable: String
    /// Where units' working directories are made.
    public let workRoot: String
    /// Where runs' log files are written.
    public let logRoot: String
    /// Variables set for every Terraform process over the inherited environment.
    public let environment: [String: String]
    /// The shared provider plugin cache, when set here rather than in `environment` or the CLI configuration.
    public let pluginCacheDirectory: String?
    /// When to run a command again after a transient cloud error.
    public let retryPolicy: RetryPolicy
    /// How long Terraform may take to stop (and release its state lock) after an interrupt before it is killed.
    public let interruptGracePeriod: Duration

    /// Creates an executor for the `terraform` or `tofu` binary found on the PATH.
    ///
    /// - Parameters:
    ///   - binary: `terraform` or `tofu`.
    ///   - workRoot: where units' working directories are made, e.g. `<repo>/.terrace/work`.
    ///   - logRoot: where log files are written, e.g. `<repo>/.terrace/logs`.
    ///   - environment: variables for every process (credentials, `TF_CLI_CONFIG_FILE`…), over the inherited ones.
    ///   - pluginCacheDirectory: a provider plugin cache shared by all units (`TF_PLUGIN_CACHE_DIR`).
    ///   - retryPolicy: when to retry after a transient cloud error.
    ///   - interruptGracePeriod: how long Terraform may take to stop when the task is cancelled.
    public init(
        binary: TerraformSettings.Binary = .terraform, workRoot: String, logRoot: String,
        environment: [String: String] = [:], pluginCacheDirectory: String? = nil,
        retryPolicy: RetryPolicy = .default, interruptGracePeriod: Duration = .seconds(30)
    ) {
        self.init(
            executable: binary.rawValue, workRoot: workRoot, logRoot: logRoot, environment: environment,
            pluginCacheDirectory: pluginCacheDirectory, retryPolicy: retryPolicy, interruptGracePeriod: interruptGracePeriod)
    }

    /// Creates an executor for a binary given by name (looked up on the PATH) or path.
    public init(
        executable: String, workRoot: String, logRoot: String, environment: [String: String] = [:],
        pluginCacheDirectory: String? = nil, retryPolicy: RetryPolicy = .default,
        interruptGracePeriod: Duration = .seconds(30)
    ) {
        self.executable = executable
        self.workRoot = workRoot
        self.logRoot = logRoot
        self.environment = environment
        self.pluginCacheDirectory = pluginCacheDirectory
        self.retryPolicy = retryPolicy
        self.interruptGracePeriod = interruptGracePeriod
    }

    /// The working directory of `job`: `<workRoot>/<infrastructure>/<unit>`.
    public func workingDirectory(for job: UnitJob) -> String {
        WorkingDirectory(workRoot: workRoot, job: job).path
    }

    /// The log file of `job`: `<logRoot>/<runID>/<infrastructure>/<unit>.log`.
    public func logPath(for job: UnitJob) -> String {
        UnitLog(logRoot: logRoot, job: job).path
    }

    /// Plans the unit (init, plan) and returns what Terraform would change, within the job's timeout.
    public func plan(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary {
        try await job.withinTimeout { () async throws(UnitFailure) -> ResourceSummary in try await planUnit(job, progress: progress) }
    }

    /// Applies the unit (init, apply, output) and returns its outputs, within the job's timeout.
    public func apply(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        try await job.withinTimeout { () async throws(UnitFailure) -> UnitOutputs in try await applyUnit(job, progress: progress) }
    }

    /// Destroys everything the unit's state holds (init, destroy), then removes the working directory, within the
    /// job's timeout.
    public func destroy(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) {
        try await job.withinTimeout { () async throws(UnitFailure) in try await destroyUnit(job, progress: progress) }
    }

    /// Plans the unit (init, plan) and returns what Terraform would change.
    func planUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> ResourceSummary {
        let context = try prepare(job)
        try await initialize(context, progress: progress)
        // The saved plan may hold sensitive values and is never applied (apply plans afresh): remove it.
        defer { context.directory.removePlan() }
        guard try await runPlan(context, progress: progress) else { return ResourceSummary() }
        return try await summarizePlan(context)
    }

    /// Applies the unit (init, apply, output) and returns its outputs.
    ///
    /// One `terraform apply -auto-approve` plans and applies in a single process: a separate `plan -out` and
    /// `apply PLANFILE` would start the providers twice over for the same result (and when nothing changed,
    /// the apply costs no more than a plan). Transient failures are retried; a skipped init that Terraform
    /// asks for is run once.
    func applyUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitOutputs {
        let context = try prepare(job)
        try await initialize(context, progress: progress)
        let arguments = ["apply", "-input=false", "-no-color", "-auto-approve", "-lock-timeout=\(job.lockTimeoutSeconds)s"]
        progress(.apply)
        var outcome = try await runWithRetries(arguments, phase: .apply, context: context)
        if outcome.exitCode != 0, TerraformDiagnostics.needsInit(outcome.output), !TerraformDiagnostics.isLockError(outcome.output) {
            context.log.append("==> Terraform asks for init: initializing again")
            try await initialize(context, force: true, progress: progress)
            progress(.apply)
            outcome = try await runWithRetries(arguments, phase: .apply, context: context)
        }
        guard outcome.exitCode == 0 else { throw failure(for: outcome, phase: .apply, context: context) }
        return try await readOutputs(context, progress: progress)
    }

    /// Destroys everything the unit's state holds (init, destroy), then removes the working directory.
    func destroyUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) {
        let context = try prepare(job)
        try await initialize(context, progress: progress)
        progress(.destroy)
        _ = try await runRetrying(
            ["destroy", "-input=false", "-no-color", "-auto-approve", "-lock-timeout=\(job.lockTimeoutSeconds)s"],
            phase: .destroy, context: context)
        context.directory.remove()
    }
}

extension TerraformExecutor {
    /// Releases the Terraform state lock `lockID` of the job's state (`terraform force-unlock -force`), for a lock
    /// the caller has proven was left by its own dead run.
    public func forceUnlock(_ job: UnitJob, lockID: String) async throws(UnitFailure) {
        let context = try prepare(job)
        try await initialize(context) { _ in }
        _ = try await runRetrying(["force-unlock", "-force", lockID], phase: .`init`, context: context)
    }

    /// The path of the full log unit `unit` of `infrastructure` writes in run `runID`.
    public func logPath(runID: String, infrastructure: String, unit: String) -> String {
        "\(logRoot)/\(runID)/\(infrastructure)/\(unit).log"
    }
}
