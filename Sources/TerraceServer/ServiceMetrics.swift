import Foundation
import Logging
import Prometheus
import TerraceCore

/// The service's Prometheus metrics, fed by the reconciler.
public struct ServiceMetrics: ReconcileObserver {
    /// The registry `/metrics` emits.
    public let registry: PrometheusCollectorRegistry
    private let queueDepthGauge: Gauge
    private let lastFetch: Gauge
    private let revisionTime: Gauge
    private let runsRunning: Gauge
    private let logger: Logger?

    /// Reconcile duration buckets, in seconds: from a no-change check to a long cluster apply.
    static let buckets: [Duration] = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600].map { Duration.milliseconds(Int64($0 * 1000)) }

    /// Creates the metrics in a new registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logger: Logger? = nil) {
        self.registry = registry
        self.logger = logger
        queueDepthGauge = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "terrace", metricName: "queue", unitName: "depth", helpText: "Runs waiting to start."))
        lastFetch = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "terrace", subsystem: "source", metricName: "last_fetch_timestamp", unitName: "seconds",
            helpText: "When the git source was last fetched (Unix time)."))
        revisionTime = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "terrace", subsystem: "source", metricName: "revision_timestamp", unitName: "seconds",
            helpText: "When the newest fetched revision was committed (Unix time)."))
        runsRunning = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "terrace", metricName: "runs", unitName: "running", helpText: "Runs in progress."))
    }

    public func fetched(_ revision: SourceRevision) {
        lastFetch.set(Date().timeIntervalSince1970)
        if let committedAt = revision.committedAt { revisionTime.set(committedAt.timeIntervalSince1970) }
    }

    public func queueDepth(_ depth: Int) {
        queueDepthGauge.set(Double(depth))
    }

    public func runStarted(_ run: ServiceRun) {
        runsRunning.increment(by: 1)
        logger?.info("run \(run.id): \(run.operation) of \(run.infrastructure) at \(run.revision.prefix(12)) (\(run.trigger.rawValue)) started")
    }

    public func runFinished(_ run: ServiceRun, seconds: Double) {
        runsRunning.increment(by: -1)
        let summary = UnitOutcome.allCases.compactMap { outcome -> String? in
            let count = run.results.filter { $0.outcome == outcome }.count
            return count == 0 ? nil : "\(count) \(outcome.rawValue)"
        }.joined(separator: ", ")
        logger?.info("run \(run.id): \(run.infrastructure) \(run.status.rawValue) in \(String(format: "%.1f", seconds))s (\(summary))")
        let histogram = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "terrace", metricName: "reconcile_duration", unitName: "seconds",
                helpText: "How long runs took, by infrastructure."),
            labels: [("infrastructure", run.infrastructure)], buckets: Self.buckets)
        histogram.record(Duration.milliseconds(Int64(seconds * 1000)))
        for result in run.results {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "terrace", metricName: "unit_outcomes", unitName: "total",
                    helpText: "Unit results by infrastructure and outcome."),
                labels: [("infrastructure", run.infrastructure), ("outcome", result.outcome.rawValue)]
            ).increment()
        }
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "terrace", metricName: "runs", unitName: "total", helpText: "Finished runs by infrastructure and status."),
            labels: [("infrastructure", run.infrastructure), ("status", run.status.rawValue)]
        ).increment()
    }

    /// The metrics in Prometheus' text format.
    public func render() -> String { registry.emitToString() }
}
