/// A SQL database as the status store needs it: statements with `?` placeholders and text or integer values,
/// and a lock shared by every connection to the same database. `TerraceSQLite` and `TerracePostgres` drive
/// the real ones.
public protocol SQLDatabase: SQLStatements {
    /// Runs the schema statements once, safely when several replicas start together.
    func migrate(_ statements: [String]) async throws(ServiceStoreError)
    /// Runs `body` in one transaction, holding the write lock named `key` among every connection to the database
    /// until it commits (PostgreSQL: `pg_advisory_xact_lock`; SQLite: `BEGIN IMMEDIATE`, a lock on the whole file).
    /// Statements `body` runs through its argument belong to the transaction; it commits when `body` returns and
    /// rolls back when it throws. Read-modify-write updates run in one, so replicas never lose each other's changes.
    func transaction<T: Sendable>(
        lock key: Int64, _ body: @Sendable (any SQLStatements) async throws(ServiceStoreError) -> T
    ) async throws(ServiceStoreError) -> T
    /// Runs `body` holding the lock named `key` for every connection to the database, or returns nil at once
    /// when another holds it.
    func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async -> T) async throws(ServiceStoreError) -> T?
}

/// Runs statements: a database, or one transaction of it.
public protocol SQLStatements: Sendable {
    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError)
    /// Runs a query; each row's columns in the order selected.
    func query(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [[SQLValue]]
}

/// A value bound to or read from a statement.
public enum SQLValue: Hashable, Sendable {
    case text(String)
    case integer(Int64)
    case null

    /// The text, when this is text.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }
}
