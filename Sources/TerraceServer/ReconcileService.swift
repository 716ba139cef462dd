import ServiceLifecycle
import TerraceCore

/// The reconcile loops as a service of the service group: a sync every poll interval (webhooks sync in between;
/// a failed fetch is retried sooner, see ``Reconciler/delayBeforeNextPoll(interval:)``),
/// a drift check every drift interval. On graceful shutdown (SIGTERM, SIGINT) the loops stop and running runs are
/// interrupted — Terraform gets SIGINT and time to release its state lock — and recorded as interrupted.
public struct ReconcileService: Service {
    /// The engine.
    public let reconciler: Reconciler
    /// Time between polls.
    public let interval: Duration
    /// Time between drift checks; nil disables them.
    public let driftInterval: Duration?
    /// Prunes old runs and their logs at start and every ``RunPruner/interval``; nil keeps everything.
    public var retention: RunPruner?

    /// Creates the service.
    public init(reconciler: Reconciler, interval: Duration, driftInterval: Duration?) {
        self.reconciler = reconciler
        self.interval = interval
        self.driftInterval = driftInterval
    }

    public func run() async throws {
        let reconciler = self.reconciler
        let interval = self.interval
        let driftInterval = self.driftInterval
        await reconciler.recoverUnfinishedRuns()
        await reconciler.recoverWaitingRuns()
        // A record that cannot be read is read again after 1 s, 2 s, 4 s…, never waiting longer than a poll.
        await reconciler.setRecordRetryDelays(first: .seconds(1), longest: min(interval, Reconciler.longestFetchRetryDelay))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        await reconciler.sync(.poll)
                        try? await Task.sleep(for: await reconciler.delayBeforeNextPoll(interval: interval))
                    }
                }
                if let retention = self.retention {
                    group.addTask {
                        while !Task.isCancelled {
                            await retention.prune()
                            try? await Task.sleep(for: RunPruner.interval)
                        }
                    }
                }
                if let driftInterval {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: driftInterval)
                            guard !Task.isCancelled else { break }
                            await reconciler.checkDrift()
                        }
                    }
                }
            }
        }
        await reconciler.shutdown()
    }
}
