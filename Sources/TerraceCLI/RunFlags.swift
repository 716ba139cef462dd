import ArgumentParser

/// The flags shared by the commands that change infrastructure (`apply`, `destroy`).
struct RunFlags: ParsableArguments {
    @Flag(name: .customLong("auto-approve"), help: "Do not ask for confirmation (required when not on a terminal).")
    var autoApprove = false

    @Option(help: "How many units run at once (default: terraform.parallelism of terrace.yaml, else 4).")
    var parallelism: Int?

    @Option(name: .customLong("lock-timeout"), help: "Seconds to wait for a lock held by another run (default 0: fail at once).")
    var lockTimeout: Double = 0

    @Flag(help: "Print one JSON event per line instead of progress and tables.")
    var json = false

    func validate() throws {
        if let parallelism, !(1...64).contains(parallelism) {
            throw ValidationError("--parallelism must be between 1 and 64")
        }
        if lockTimeout < 0 { throw ValidationError("--lock-timeout must not be negative") }
    }
}
