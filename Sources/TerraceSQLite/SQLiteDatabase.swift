import Foundation
import SQLiteNIO
import TerraceCore

/// The status database in one SQLite file (embedded; nothing to install). One connection, statements one at a
/// time; the infrastructure locks are held within this process, which is the only one using the file.
public actor SQLiteDatabase: SQLDatabase {
    private let connection: SQLiteConnection
    private var heldLocks: Set<Int64> = []

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Opens (creating when missing) the database at `path`, with write-ahead logging.
    public static func open(path: String) async throws(ServiceStoreError) -> SQLiteDatabase {
        do {
            let connection = try await SQLiteConnection.open(storage: .file(path: path))
            let database = SQLiteDatabase(connection: connection)
            _ = try await connection.query("PRAGMA journal_mode = WAL", [])
            _ = try await connection.query("PRAGMA busy_timeout = 5000", [])
            _ = try await connection.query("PRAGMA synchronous = NORMAL", [])
            return database
        } catch {
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
