import Dispatch
import Foundation
import Logging
import TerraceLocal

/// Bounds how long `terrace serve` takes to stop. On SIGTERM or SIGINT the service stops gracefully (runs
/// interrupted and recorded, Terraform given SIGINT, locks released); if it has not exited when ``grace`` has
/// passed (a step that ignores cancellation: CPU-bound work, a Terraform that ignores SIGINT), or on a second
/// signal, it is forced: what can be recorded within a few seconds is recorded, every child process group is
/// killed, and the process exits with ``forcedExitStatus``.
///
/// The watch runs on a dispatch queue of its own, not on Swift's cooperative threads, so work that never yields
/// cannot hold it up.
public final class ShutdownDeadline: @unchecked Sendable {
    /// The default grace: Kubernetes' default `terminationGracePeriodSeconds` is 30 s too.
    public static let defaultGrace: Duration = .seconds(30)
    /// The exit status of a forced stop (as `timeout(1)` uses).
    public static let forcedExitStatus: Int32 = 124
    /// How long the forced stop waits for what it records.
    public static let recordBudget: Duration = .seconds(3)

    /// How long a graceful stop may take.
    public let grace: Duration
    private let logger: Logger
    private let record: @Sendable (_ reason: String) async -> Void
    private let queue = DispatchQueue(label: "terrace.shutdown-deadline")
    /// Touched on `queue` only.
    private var sources: [any DispatchSourceSignal] = []
    private var signals = 0

    /// Creates the deadline; `record` writes down what a forced stop interrupts (given a one-line reason).
    public init(grace: Duration, logger: Logger, record: @escaping @Sendable (_ reason: String) async -> Void) {
        self.grace = grace
        self.logger = logger
        self.record = record
    }

    /// Starts watching for SIGTERM and SIGINT (beside the graceful shutdown that handles them).
    public func arm() {
        queue.sync {
            for number in [SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [weak self] in self?.signalled(number) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func signalled(_ number: Int32) {
        signals += 1
        let name = number == SIGINT ? "SIGINT" : "SIGTERM"
        guard signals == 1 else {
            force("a second signal (\(name)) arrived during the graceful stop")
            return
        }
        logger.info("terrace serve: \(name): stopping; forced in \(Self.describe(grace)) if still running")
        let nanoseconds = grace.components.seconds * 1_000_000_000 + grace.components.attoseconds / 1_000_000_000
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds))) { [self] in
            force("the shutdown grace of \(Self.describe(grace)) ran out")
        }
    }

    /// Records what it can within ``recordBudget``, kills every child process group, and exits.
    private func force(_ reason: String) {
        logger.error("terrace serve: \(reason): forcing the stop (recording interrupted runs, killing child processes)")
        let done = DispatchSemaphore(value: 0)
        let record = self.record
        Task.detached {
            await record(reason)
            done.signal()
        }
        let budget = Self.recordBudget.components.seconds
        if done.wait(timeout: .now() + .seconds(Int(budget))) == .timedOut {
            logger.error("terrace serve: recording the interrupted runs took over \(budget) s: left to the next start")
        }
        let killed = Self.killChildren()
        logger.error("terrace serve: stopped by force after \(reason); killed \(killed) child process\(killed == 1 ? "" : "es")")
        fflush(nil)
        _exit(Self.forcedExitStatus)
    }

    /// Kills (SIGKILL) every process below this one and the process groups they lead (Terraform and git run in
    /// sessions of their own, with their providers and helpers); returns how many processes were signalled.
    static func killChildren() -> Int {
        let own = getpid()
        let ownGroup = getpgrp()
        let victims = ProcessTree.descendants(of: own)
        var groups: Set<pid_t> = []
        for pid in victims {
            let group = getpgid(pid)
            if group > 0 && group != ownGroup { groups.insert(group) }
        }
        for group in groups { kill(-group, SIGKILL) }
        for pid in victims { kill(pid, SIGKILL) }
        return victims.count
    }

    /// `30 s`, `2 min`, `500 ms`.
    static func describe(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds == 0 { return "\(duration.components.attoseconds / 1_000_000_000_000_000) ms" }
        if seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
