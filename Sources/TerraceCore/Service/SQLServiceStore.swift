import Crypto
import Foundation

/// A ``ServiceStore`` over any ``SQLDatabase``: one table per kind of document, each document stored as JSON
/// beside the columns queries filter on. The same statements run on SQLite and PostgreSQL.
public struct SQLServiceStore: ServiceStore {
    /// The database.
    public let database: any SQLDatabase

    /// The schema; every statement is safe to run again.
    public static let schema = [
        "CREATE TABLE IF NOT EXISTS terrace_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS terrace_source (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS terrace_infrastructures (name TEXT PRIMARY KEY, body TEXT NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS terrace_runs (id TEXT PRIMARY KEY, infrastructure TEXT NOT NULL, status TEXT NOT NULL, \
        queued_at TEXT NOT NULL, body TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS terrace_runs_by_infrastructure ON terrace_runs (infrastructure, queued_at)",
        "CREATE INDEX IF NOT EXISTS terrace_runs_by_status ON terrace_runs (status)",
        "CREATE TABLE IF NOT EXISTS terrace_logs (run_id TEXT NOT NULL, unit TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, unit))",
        "CREATE TABLE IF NOT EXISTS terrace_sessions (id_hash TEXT PRIMARY KEY, expires_at TEXT NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS terrace_sessions_by_expiry ON terrace_sessions (expires_at)",
        "CREATE TABLE IF NOT EXISTS terrace_audit (id TEXT PRIMARY KEY, at TEXT NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS terrace_audit_by_time ON terrace_audit (at)",
    ]

    /// Opens the store, creating its tables when missing.
    public static func open(_ database: any SQLDatabase) async throws(ServiceStoreError) -> SQLServiceStore {
        try await database.migrate(schema)
        return SQLServiceStore(database: database)
    }

    private init(database: any SQLDatabase) {
        self.database = database
    }

    /// Statuses decoded by ``infrastructures()``, reused while their stored text is unchanged.
    private let statusCache = DecodedStatusCache()

    public func ping() async throws(ServiceStoreError) {
        _ = try await database.query("SELECT 1", [])
    }

    public func setting(_ key: String) async throws(ServiceStoreError) -> String? {
        try await database.query("SELECT value FROM terrace_settings WHERE key = ?", [.text(key)]).first?.first?.text
    }

    public func setSetting(_ key: String, _ value: String) async throws(ServiceStoreError) {
        try await database.execute(
            "INSERT INTO terrace_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [.text(key), .text(value)])
    }

    public func source() async throws(ServiceStoreError) -> SourceStatus? {
        try await document(SourceStatus.self, "SELECT body FROM terrace_source WHERE id = 1", []).first
    }

    public func saveSource(_ status: SourceStatus) async throws(ServiceStoreError) {
        try await database.execute(
            "INSERT INTO terrace_source (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
            [.text(try Self.encode(status))])
    }

    public func infrastructures() async throws(ServiceStoreError) -> [InfrastructureStatus] {
        var statuses: [InfrastructureStatus] = []
        for row in try await database.query("SELECT name, body FROM terrace_infrastructures ORDER BY name", []) {
            guard row.count == 2, let name = row[0].text, let body = row[1].text else {
                throw ServiceStoreError(.corrupt, "a stored InfrastructureStatus has no body")
            }
            if let cached = statusCache.status(name, body: body) {
                statuses.append(cached)
                continue
            }
            let status = try Self.decode(InfrastructureStatus.self, body)
            statusCache.keep(status, body: body)
            statuses.append(status)
        }
        return statuses
    }

    public func infrastructure(_ name: String) async throws(ServiceStoreError) -> InfrastructureStatus? {
        try await document(InfrastructureStatus.self, "SELECT body FROM terrace_infrastructures WHERE name = ?", [.text(name)]).first
    }

    public func saveInfrastructure(_ status: InfrastructureStatus) async throws(ServiceStoreError) {
        try await database.execute(
            "INSERT INTO terrace_infrastructures (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
            [.text(status.name), .text(try Self.encode(status))])
    }

    public func updateSource(
        initial: SourceStatus, _ change: @Sendable (inout SourceStatus) -> Void
    ) async throws(ServiceStoreError) -> SourceStatus {
        try await database.transaction(lock: Self.statusLockKey("(source)")) { statements throws(ServiceStoreError) in
            let body = try await statements.query("SELECT body FROM terrace_source WHERE id = 1", []).first?.first?.text
            var status = try body.map { body throws(ServiceStoreError) in try Self.decode(SourceStatus.self, body) } ?? initial
            change(&status)
            let updated = try Self.encode(status)
            if updated != body {
                try await statements.execute(
                    "INSERT INTO terrace_source (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                    [.text(updated)])
            }
            return status
        }
    }

    public func updateInfrastructure(
        _ name: String, _ change: @Sendable (inout InfrastructureStatus) -> Void
    ) async throws(ServiceStoreError) -> InfrastructureStatus {
        try await database.transaction(lock: Self.statusLockKey(name)) { statements throws(ServiceStoreError) in
            let body = try await statements.query("SELECT body FROM terrace_infrastructures WHERE name = ?", [.text(name)]).first?.first?.text
            let before = try body.map { body throws(ServiceStoreError) in try Self.decode(InfrastructureStatus.self, body) }
                ?? InfrastructureStatus(name: name)
            var status = before
            change(&status)
            if status != before || (body == nil && status != InfrastructureStatus(name: name)) {
                try await statements.execute(
                    "INSERT INTO terrace_infrastructures (name, body) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET body = excluded.body",
                    [.text(name), .text(try Self.encode(status))])
            }
            return status
        }
    }

    public func pruneRuns(_ retention: RunRetention, now: Date) async throws(ServiceStoreError) -> [String] {
        guard retention.isEnabled else { return [] }
        let runs = try await document(ServiceRun.self, "SELECT body FROM terrace_runs", [])
        let pruned = retention.prunable(runs, now: now)
        for id in pruned {
            try await database.transaction(lock: Self.statusLockKey("(run) " + id)) { statements throws(ServiceStoreError) in
                try await statements.execute("DELETE FROM terrace_logs WHERE run_id = ?", [.text(id)])
                try await statements.execute("DELETE FROM terrace_runs WHERE id = ?", [.text(id)])
            }
        }
        return pruned
    }

    /// The lock key serializing status updates of `name`: not an infrastructure's run lock (``lockKey(_:)``), which a
    /// run holds for its whole length while it updates its status.
    static func statusLockKey(_ name: String) -> Int64 {
        lockKey("status:" + name)
    }

    public func deleteInfrastructure(_ name: String) async throws(ServiceStoreError) {
        try await database.execute("DELETE FROM terrace_infrastructures WHERE name = ?", [.text(name)])
    }

    public func saveRun(_ run: ServiceRun) async throws(ServiceStoreError) {
        try await database.execute(
            """
            INSERT INTO terrace_runs (id, infrastructure, status, queued_at, body) VALUES (?, ?, ?, ?, ?) \
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body
            """,
            [.text(run.id), .text(run.infrastructure), .text(run.status.rawValue), .text(Self.timestamp(run.queuedAt)),
             .text(try Self.encode(run))])
    }

    public func run(_ id: String) async throws(ServiceStoreError) -> ServiceRun? {
        try await document(ServiceRun.self, "SELECT body FROM terrace_runs WHERE id = ?", [.text(id)]).first
    }

    public func runs(infrastructure: String?, status: ServiceRun.Status?, limit: Int) async throws(ServiceStoreError) -> [ServiceRun] {
        var filters: [String] = []
        var binds: [SQLValue] = []
        if let infrastructure {
            filters.append("infrastructure = ?")
            binds.append(.text(infrastructure))
        }
        if let status {
            filters.append("status = ?")
            binds.append(.text(status.rawValue))
        }
        let condition = filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND ")
        binds.append(.integer(Int64(max(0, limit))))
        return try await document(
            ServiceRun.self, "SELECT body FROM terrace_runs\(condition) ORDER BY queued_at DESC, id DESC LIMIT ?", binds)
    }

    public func saveLog(runID: String, unit: String, text: String) async throws(ServiceStoreError) {
        try await database.execute(
            "INSERT INTO terrace_logs (run_id, unit, body) VALUES (?, ?, ?) ON CONFLICT (run_id, unit) DO UPDATE SET body = excluded.body",
            [.text(runID), .text(unit), .text(text)])
    }

    public func logs(runID: String) async throws(ServiceStoreError) -> [String: String] {
        var logs: [String: String] = [:]
        for row in try await database.query("SELECT unit, body FROM terrace_logs WHERE run_id = ?", [.text(runID)]) {
            guard row.count == 2, let unit = row[0].text, let body = row[1].text else { continue }
            logs[unit] = body
        }
        return logs
    }

    public func saveSession(_ session: WebSession) async throws(ServiceStoreError) {
        try await database.execute(
            """
            INSERT INTO terrace_sessions (id_hash, expires_at, body) VALUES (?, ?, ?) \
            ON CONFLICT (id_hash) DO UPDATE SET expires_at = excluded.expires_at, body = excluded.body
            """,
            [.text(session.idHash), .text(Self.timestamp(session.expiresAt)), .text(try Self.encode(session))])
    }

    public func session(_ idHash: String, now: Date) async throws(ServiceStoreError) -> WebSession? {
        try await document(
            WebSession.self, "SELECT body FROM terrace_sessions WHERE id_hash = ? AND expires_at > ?",
            [.text(idHash), .text(Self.timestamp(now))]
        ).first
    }

    public func deleteSession(_ idHash: String) async throws(ServiceStoreError) {
        try await database.execute("DELETE FROM terrace_sessions WHERE id_hash = ?", [.text(idHash)])
    }

    public func deleteExpiredSessions(now: Date) async throws(ServiceStoreError) {
        try await database.execute("DELETE FROM terrace_sessions WHERE expires_at <= ?", [.text(Self.timestamp(now))])
    }

    public func appendAudit(_ entry: AuditEntry) async throws(ServiceStoreError) {
        try await database.execute(
            "INSERT INTO terrace_audit (id, at, body) VALUES (?, ?, ?)",
            [.text(entry.id), .text(Self.timestamp(entry.at)), .text(try Self.encode(entry))])
    }

    public func auditEntries(limit: Int, offset: Int) async throws(ServiceStoreError) -> [AuditEntry] {
        try await document(
            AuditEntry.self, "SELECT body FROM terrace_audit ORDER BY at DESC, id DESC LIMIT ? OFFSET ?",
            [.integer(Int64(max(0, limit))), .integer(Int64(max(0, offset)))])
    }

    public func withInfrastructureLock<T: Sendable>(
        _ name: String, _ body: @Sendable () async -> T
    ) async throws(ServiceStoreError) -> T? {
        try await database.withLock(Self.lockKey(name), body)
    }

    /// The 64-bit lock key of an infrastructure: the first 8 bytes of SHA-256 of `terrace:<name>`.
    public static func lockKey(_ name: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data("terrace:\(name)".utf8)))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    private func document<T: Decodable>(_ type: T.Type, _ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [T] {
        var documents: [T] = []
        for row in try await database.query(sql, binds) {
            guard let body = row.first?.text else { throw ServiceStoreError(.corrupt, "a stored \(T.self) has no body") }
            documents.append(try Self.decode(T.self, body))
        }
        return documents
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ body: String) throws(ServiceStoreError) -> T {
        do {
            return try decoder.decode(T.self, from: Data(body.utf8))
        } catch {
            throw ServiceStoreError(.corrupt, "a stored \(T.self) cannot be read: \(RecordCoding.describe(error))")
        }
    }

    private static func encode(_ value: some Encodable) throws(ServiceStoreError) -> String {
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw ServiceStoreError(.corrupt, "cannot encode \(type(of: value)): \(error)")
        }
    }

    /// A sortable timestamp with fractions of a second.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            return try Date(text, strategy: Date.ISO8601FormatStyle())
        }
        return decoder
    }()
}
