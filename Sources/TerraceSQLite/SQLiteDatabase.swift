import Foundation
import SQLiteNIO
import TerraceCore

/// The status database in one SQLite file (embedded; nothing to install). One connection, statements one at a
/// time; the infrastructure locks are held within this process, which is the only one using the file.
/// A transaction has the connection to itself: other statements wait until it ends.
public actor SQLiteDatabase: SQLDatabase {
    private let connection: SQLiteConnection
    private var heldLocks: Set<Int64> = []
    /// Whether a transaction has the connection, and who waits for it to end.
    private var inTransaction = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (creating when missing) the database at `path`, with write-ahead logging.
    public static func open(path: String) async throws(ServiceStoreError) -> SQLiteDatabase {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw ServiceStoreError(.unavailable, "cannot open the SQLite database \(path): \(Self.describe(error))")
        }
        do {
            _ = try await connection.query("PRAGMA journal_mode = WAL", [])
            // A writer waits up to 30 s for another connection's write lock (a short transaction) before failing.
            _ = try await connection.query("PRAGMA busy_timeout = 30000", [])
            _ = try await connection.query("PRAGMA synchronous = NORMAL", [])
            return SQLiteDatabase(connection: connection)
        } catch {
            try? await connection.close()
            throw ServiceStoreError(.unavailable, "cannot open the SQLite database \(path): \(Self.describe(error))")
        }
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }

    public func migrate(_ statements: [String]) async throws(ServiceStoreError) {
        for statement in statements { try await execute(statement, []) }
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) {
        _ = try await query(sql, binds)
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [[SQLValue]] {
        while inTransaction { await withCheckedContinuation { waiting.append($0) } }
        return try await run(sql, binds)
    }

    public func transaction<T: Sendable>(
        lock key: Int64, _ body: @Sendable (any SQLStatements) async throws(ServiceStoreError) -> T
    ) async throws(ServiceStoreError) -> T {
        while inTransaction { await withCheckedContinuation { waiting.append($0) } }
        inTransaction = true
        defer {
            inTransaction = false
            let resumed = waiting
            waiting = []
            for continuation in resumed { continuation.resume() }
        }
        // IMMEDIATE takes the file's write lock at once (waiting up to busy_timeout for another process's).
        _ = try await run("BEGIN IMMEDIATE", [])
        do {
            let result = try await body(Transaction(database: self))
            _ = try await run("COMMIT", [])
            return result
        } catch {
            _ = try? await run("ROLLBACK", [])
            throw error
        }
    }

    /// The statements of the transaction in progress.
    private struct Transaction: SQLStatements {
        let database: SQLiteDatabase

        func execute(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) {
            _ = try await database.run(sql, binds)
        }

        func query(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [[SQLValue]] {
            try await database.run(sql, binds)
        }
    }

    /// Runs a statement on the connection now, whether a transaction is open or not.
    private func run(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [[SQLValue]] {
        do {
            let rows = try await connection.query(sql, binds.map(Self.data))
            return rows.map { row in row.columns.map { Self.value($0.data) } }
        } catch {
            throw ServiceStoreError(.unavailable, "SQLite: \(Self.describe(error))")
        }
    }

    public func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async -> T) async throws(ServiceStoreError) -> T? {
        guard !heldLocks.contains(key) else { return nil }
        heldLocks.insert(key)
        let result = await body()
        heldLocks.remove(key)
        return result
    }

    private static func data(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .text(let text): .text(text)
        case .integer(let integer): .integer(Int(integer))
        case .null: .null
        }
    }

    private static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .text(let text): .text(text)
        case .integer(let integer): .integer(Int64(integer))
        case .float(let double): .text(String(double))
        case .blob, .null: .null
        }
    }

    private static func describe(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}
