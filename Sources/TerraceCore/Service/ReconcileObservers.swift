/// Several observers heard as one, in order (the service's metrics and its log).
public struct ReconcileObservers: ReconcileObserver {
    /// The observers told of everything.
    public var observers: [any ReconcileObserver]

    /// Creates an observer that tells each of `observers`.
    public init(_ observers: [any ReconcileObserver]) {
        self.observers = observers
    }

    public func step(_ step: ReconcileStep) {
        for observer in observers { observer.step(step) }
    }

    public func fetched(_ revision: SourceRevision) {
        for observer in observers { observer.fetched(revision) }
    }

    public func queueDepth(_ depth: Int) {
        for observer in observers { observer.queueDepth(depth) }
    }

    public func runStarted(_ run: ServiceRun) {
        for observer in observers { observer.runStarted(run) }
    }

    public func runFinished(_ run: ServiceRun, seconds: Double) {
        for observer in observers { observer.runFinished(run, seconds: seconds) }
    }
}
