/// Progress of a run, for live displays and `--json` event streams.
public enum RunEvent: Hashable, Sendable {
    /// A run over an infrastructure's units started.
    case started(infrastructure: String, operation: String, units: [String])
    /// A unit entered a phase (Terraform init, plan, apply…).
    case phase(infrastructure: String, unit: String, phase: UnitPhase)
    /// A unit finished.
    case finished(infrastructure: String, result: UnitResult)
    /// The run finished.
    case completed(InfrastructureRun)
}
