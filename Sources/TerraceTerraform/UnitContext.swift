import TerraceCore

/// What running Terraform for one job needs at hand: the job, its working directory, log and process runner.
struct UnitContext: Sendable {
    /// The job.
    var job: UnitJob
    /// Its working directory.
    var directory: WorkingDirectory
    /// Its log file.
    var log: UnitLog
    /// Runs the binary with the executor's environment.
    var process: TerraformProcess
}
