import Foundation
import TerraceCore

/// Collects reported phases across concurrency domains.
final class PhaseRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [UnitPhase] = []

    /// The phases reported so far.
    var phases: [UnitPhase] { lock.withLock { recorded } }

    /// A progress callback that records.
    var callback: @Sendable (UnitPhase) -> Void {
        { [self] phase in lock.withLock { recorded.append(phase) } }
    }

    /// Forgets what was recorded.
    func reset() { lock.withLock { recorded.removeAll() } }
}
