extension UnitJob {
    /// Runs one operation of the job, stopping it once ``timeout`` has passed.
    ///
    /// On expiry the operation's task is cancelled and awaited: a Terraform process gets SIGINT, then SIGKILL after
    /// the executor's grace period; a Kubernetes request or wait ends. A failure it then throws becomes `.timedOut`
    /// ("timed out after 30m; Terraform was interrupted (SIGINT) and stopped"), keeping its phase, log and inventory;
    /// an operation that still succeeds returns normally. Executors call this around each public operation, so every
    /// caller (engine, planner, drift check) gets the same limit. Cancelling the caller still yields `.cancelled`.
    public func withinTimeout<T: Sendable>(
        _ operation: @escaping @Sendable () async throws(UnitFailure) -> T
    ) async throws(UnitFailure) -> T {
        let timeout = self.timeout
        let unit = self.unit
        let result: Result<T, UnitFailure> = await withTaskGroup(of: TimedStep<T>.self) { group in
            group.addTask {
                do throws(UnitFailure) {
                    return .finished(.success(try await operation()))
                } catch {
                    return .finished(.failure(error))
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                    return .expired
                } catch {
                    return .timerStopped
                }
            }
            var expired = false
            while let step = await group.next() {
                switch step {
                case .finished(let result):
                    group.cancelAll()
                    guard expired, case .failure(let failure) = result else { return result }
                    return .failure(Self.timeoutFailure(failure, unit: unit, timeout: timeout))
                case .expired:
                    expired = true
                    group.cancelAll()
                case .timerStopped:
                    continue
                }
            }
            return .failure(UnitFailure(.cancelled, phase: .`init`, "stopped before it ran"))
        }
        return try result.get()
    }

    /// The failure an operation stopped by its timeout reports: never worded as a cancellation, which would make the
    /// run count as interrupted (and be retried) rather than failed.
    static func timeoutFailure(_ failure: UnitFailure, unit: String, timeout: Duration) -> UnitFailure {
        var note = failure.stopNote ?? (failure.code == .cancelled ? "the step was stopped" : failure.message)
        if note.contains("cancelled") { note = "the step was stopped" }
        return UnitFailure(
            .timedOut, phase: failure.phase, "timed out after \(UnitTimeout.describe(timeout)); \(note)",
            logTail: failure.logTail, logPath: failure.logPath, inventory: failure.inventory, stopNote: failure.stopNote)
    }
}

/// What finished first in ``UnitJob/withinTimeout(_:)``.
private enum TimedStep<T: Sendable>: Sendable {
    case finished(Result<T, UnitFailure>)
    case expired
    case timerStopped
}
