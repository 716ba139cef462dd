import Foundation

/// A ``ServiceStore`` in memory, for tests; its lock is held within this process only.
public actor InMemoryServiceStore: ServiceStore {
    private var settings: [String: String] = [:]
    private var sourceStatus: SourceStatus?
    private var statuses: [String: InfrastructureStatus] = [:]
    private var allRuns: [String: ServiceRun] = [:]
    private var allLogs: [String: [String: String]] = [:]
    private var locked: Set<String> = []
    private var sessions: [String: WebSession] = [:]
    private var audit: [AuditEntry] = []

    /// Creates an empty store.
    public init() {}

    public func ping() throws(ServiceStoreError) {}
    public func setting(_ key: String) throws(ServiceStoreError) -> String? { settings[key] }
    public func setSetting(_ key: String, _ value: String) throws(ServiceStoreError) { settings[key] = value }
    public func source() throws(ServiceStoreError) -> SourceStatus? { sourceStatus }
    public func saveSource(_ status: SourceStatus) throws(ServiceStoreError) { sourceStatus = status }
    public func infrastructures() throws(ServiceStoreError) -> [InfrastructureStatus] { statuses.values.sorted { $0.name < $1.name } }
    public func infrastructure(_ name: String) throws(ServiceStoreError) -> InfrastructureStatus? { statuses[name] }
    public func saveInfrastructure(_ status: InfrastructureStatus) throws(ServiceStoreError) { statuses[status.name] = status }
    public func deleteInfrastructure(_ name: String) throws(ServiceStoreError) { statuses[name] = nil }

    public func updateSource(
        initial: SourceStatus, _ change: @Sendable (inout SourceStatus) -> Void
    ) throws(ServiceStoreError) -> SourceStatus {
        var status = sourceStatus ?? initial
        change(&status)
        sourceStatus = status
        return status
    }

    public func updateInfrastructure(
        _ name: String, _ change: @Sendable (inout InfrastructureStatus) -> Void
    ) throws(ServiceStoreError) -> InfrastructureStatus {
        let before = statuses[name]
        var status = before ?? InfrastructureStatus(name: name)
        change(&status)
        if status != (before ?? InfrastructureStatus(name: name)) { statuses[name] = status }
        return status
    }

    public func pruneRuns(_ retention: RunRetention, now: Date) throws(ServiceStoreError) -> [String] {
        let pruned = retention.prunable(Array(allRuns.values), now: now)
        for id in pruned {
            allRuns[id] = nil
            allLogs[id] = nil
        }
        return pruned
    }
    public func saveRun(_ run: ServiceRun) throws(ServiceStoreError) { allRuns[run.id] = run }
    public func run(_ id: String) throws(ServiceStoreError) -> ServiceRun? { allRuns[id] }

    public func runs(infrastructure: String?, status: ServiceRun.Status?, limit: Int) throws(ServiceStoreError) -> [ServiceRun] {
        let selected = allRuns.values.filter {
            (infrastructure == nil || $0.infrastructure == infrastructure) && (status == nil || $0.status == status)
        }
        return Array(selected.sorted { ($0.queuedAt, $0.id) > ($1.queuedAt, $1.id) }.prefix(limit))
    }

    public func saveLog(runID: String, unit: String, text: String) throws(ServiceStoreError) { allLogs[runID, default: [:]][unit] = text }
    public func logs(runID: String) throws(ServiceStoreError) -> [String: String] { allLogs[runID] ?? [:] }

    public func saveSession(_ session: WebSession) throws(ServiceStoreError) { sessions[session.idHash] = session }

    public func session(_ idHash: String, now: Date) throws(ServiceStoreError) -> WebSession? {
        sessions[idHash].flatMap { $0.expiresAt > now ? $0 : nil }
    }

    public func deleteSession(_ idHash: String) throws(ServiceStoreError) { sessions[idHash] = nil }
    public func deleteExpiredSessions(now: Date) throws(ServiceStoreError) { sessions = sessions.filter { $0.value.expiresAt > now } }
    public func appendAudit(_ entry: AuditEntry) throws(ServiceStoreError) { audit.append(entry) }

    public func auditEntries(limit: Int, offset: Int) throws(ServiceStoreError) -> [AuditEntry] {
        Array(audit.sorted { ($0.at, $0.id) > ($1.at, $1.id) }.dropFirst(max(0, offset)).prefix(max(0, limit)))
    }

    public func withInfrastructureLock<T: Sendable>(
        _ name: String, _ body: @Sendable () async -> T
    ) async throws(ServiceStoreError) -> T? {
        guard !locked.contains(name) else { return nil }
        locked.insert(name)
        let result = await body()
        locked.remove(name)
        return result
    }

    /// Takes the lock of `name` as another replica would, until ``releaseAsOtherReplica(_:)``.
    public func holdAsOtherReplica(_ name: String) { locked.insert(name) }

    /// Releases a lock taken with ``holdAsOtherReplica(_:)``.
    public func releaseAsOtherReplica(_ name: String) { locked.remove(name) }
}
