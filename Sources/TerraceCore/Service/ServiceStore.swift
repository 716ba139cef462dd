import Foundation

/// Keeps what the service knows: settings, the source's status, each infrastructure's status, runs and their logs.
///
/// `SQLServiceStore` keeps them in SQLite (one replica) or PostgreSQL (several replicas);
/// ``InMemoryServiceStore`` serves tests.
public protocol ServiceStore: Sendable {
    /// Checks that the store answers.
    func ping() async throws(ServiceStoreError)
    /// A setting, or nil.
    func setting(_ key: String) async throws(ServiceStoreError) -> String?
    /// Sets a setting.
    func setSetting(_ key: String, _ value: String) async throws(ServiceStoreError)
    /// The source's status, or nil before the first fetch.
    func source() async throws(ServiceStoreError) -> SourceStatus?
    /// Saves the source's status.
    func saveSource(_ status: SourceStatus) async throws(ServiceStoreError)
    /// Every infrastructure's status, by name.
    func infrastructures() async throws(ServiceStoreError) -> [InfrastructureStatus]
    /// One infrastructure's status, or nil.
    func infrastructure(_ name: String) async throws(ServiceStoreError) -> InfrastructureStatus?
    /// Saves an infrastructure's status.
    func saveInfrastructure(_ status: InfrastructureStatus) async throws(ServiceStoreError)
    /// Reads, changes and writes the source's status as one atomic update among every replica sharing the store;
    /// `change` starts from the stored status, or `initial` when there is none. Returns the status written.
    @discardableResult
    func updateSource(
        initial: SourceStatus, _ change: @Sendable (inout SourceStatus) -> Void
    ) async throws(ServiceStoreError) -> SourceStatus
    /// Reads, changes and writes an infrastructure's status as one atomic update among every replica sharing the
    /// store (no replica's change is lost to another's); `change` starts from the stored status, or an empty one.
    /// Nothing is written when `change` changes nothing. Returns the status after the change.
    @discardableResult
    func updateInfrastructure(
        _ name: String, _ change: @Sendable (inout InfrastructureStatus) -> Void
    ) async throws(ServiceStoreError) -> InfrastructureStatus
    /// Deletes the runs `retention` does not keep at `now`, with their stored logs; returns their ids.
    func pruneRuns(_ retention: RunRetention, now: Date) async throws(ServiceStoreError) -> [String]
    /// Forgets an infrastructure's status (after it was destroyed); its runs stay.
    func deleteInfrastructure(_ name: String) async throws(ServiceStoreError)
    /// Inserts or replaces a run.
    func saveRun(_ run: ServiceRun) async throws(ServiceStoreError)
    /// One run, or nil.
    func run(_ id: String) async throws(ServiceStoreError) -> ServiceRun?
    /// The newest runs first, of one infrastructure or all, with `status` when given, at most `limit`.
    func runs(infrastructure: String?, status: ServiceRun.Status?, limit: Int) async throws(ServiceStoreError) -> [ServiceRun]
    /// Saves a unit's full log of a run.
    func saveLog(runID: String, unit: String, text: String) async throws(ServiceStoreError)
    /// The logs of a run, by unit.
    func logs(runID: String) async throws(ServiceStoreError) -> [String: String]
    /// Inserts or replaces a web session.
    func saveSession(_ session: WebSession) async throws(ServiceStoreError)
    /// The session whose cookie hashes to `idHash`, or nil (also when it has expired).
    func session(_ idHash: String, now: Date) async throws(ServiceStoreError) -> WebSession?
    /// Forgets a session (logout).
    func deleteSession(_ idHash: String) async throws(ServiceStoreError)
    /// Forgets every session that ended before `now`.
    func deleteExpiredSessions(now: Date) async throws(ServiceStoreError)
    /// Appends an entry to the audit log.
    func appendAudit(_ entry: AuditEntry) async throws(ServiceStoreError)
    /// The audit log, newest first, `limit` entries after skipping `offset`.
    func auditEntries(limit: Int, offset: Int) async throws(ServiceStoreError) -> [AuditEntry]
    /// Runs `body` holding the infrastructure's lock among every replica sharing the store, or returns nil at once
    /// when another replica holds it. The lock goes when `body` returns or the replica dies.
    func withInfrastructureLock<T: Sendable>(
        _ name: String, _ body: @Sendable () async -> T
    ) async throws(ServiceStoreError) -> T?
}

/// The status database cannot be read or written.
public struct ServiceStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// The database cannot be reached or refused the statement.
        case unavailable
        /// A stored document cannot be read back.
        case corrupt
    }

    /// The kind of failure.
    public var code: Code
    /// A one-line message safe to show (no connection strings, no passwords).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
