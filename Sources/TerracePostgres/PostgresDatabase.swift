import Foundation
import Logging
import PostgresNIO
import TerraceCore

/// The status database on a PostgreSQL server, shared by several replicas of the service. Infrastructure locks
/// are session advisory locks (`pg_try_advisory_lock`) on a connection held for the whole run: a replica that
/// dies loses its connection, and with it its locks.
public final class PostgresDatabase: SQLDatabase {
    private let client: PostgresClient
    private let logger: Logger
    private let startupTimeout: Duration

    private init(client: PostgresClient, logger: Logger, startupTimeout: Duration) {
        self.client = client
        self.logger = logger
        self.startupTimeout = startupTimeout
    }

    /// Runs `body` with a database connected as `configuration` says; the connection pool runs meanwhile and
    /// stops afterwards.
    public static func with<T: Sendable>(
        _ configuration: PostgresConfiguration, _ body: (PostgresDatabase) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "terrace.postgres")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(PostgresDatabase(client: client, logger: logger, startupTimeout: configuration.startupTimeout))
        }
    }

    public func migrate(_ statements: [String]) async throws(ServiceStoreError) {
        // Replicas starting together would race on CREATE TABLE IF NOT EXISTS: one at a time. The pool waits for
        // an unreachable server for ever: give up after a while with a clear message.
        let client = self.client
        let logger = self.logger
        do {
            try await Self.withTimeout(startupTimeout, "connecting and creating the tables") {
                try await client.withConnection { connection in
                    _ = try await connection.query("SELECT pg_advisory_lock(7305126354)", logger: logger)
                    do {
                        for statement in statements {
                            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                    } catch {
                        _ = try? await connection.query("SELECT pg_advisory_unlock(7305126354)", logger: logger)
                        throw error
                    }
                    _ = try await connection.query("SELECT pg_advisory_unlock(7305126354)", logger: logger)
                }
            }
        } catch {
            throw Self.failure(error)
        }
    }

    public func execute(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) {
        _ = try await query(sql, binds)
    }

    public func query(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [[SQLValue]] {
        let statement = try Self.statement(sql, binds)
        let client = self.client
        let logger = self.logger
        do {
            return try await Self.withTimeout(.seconds(30), "running a statement") {
                let rows = try await client.query(statement, logger: logger)
                var result: [[SQLValue]] = []
                for try await row in rows {
                    result.append(row.map(Self.value))
                }
                return result
            }
        } catch {
            throw Self.failure(error)
        }
    }

    public func withLock<T: Sendable>(_ key: Int64, _ body: @Sendable () async -> T) async throws(ServiceStoreError) -> T? {
        let logger = self.logger
        do {
            return try await client.withConnection { connection -> T? in
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                var taken = false
                for try await (value) in rows.decode(Bool.self) { taken = value }
                guard taken else { return nil }
                let result = await body()
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return result
            }
        } catch {
            throw Self.failure(error)
        }
    }

    public func transaction<T: Sendable>(
        lock key: Int64, _ body: @Sendable (any SQLStatements) async throws(ServiceStoreError) -> T
    ) async throws(ServiceStoreError) -> T {
        let logger = self.logger
        do {
            return try await client.withConnection { connection -> T in
                _ = try await connection.query("BEGIN", logger: logger)
                do {
                    // Held until COMMIT or ROLLBACK: the rows it guards may not exist yet, so no row lock would do.
                    _ = try await connection.query("SELECT pg_advisory_xact_lock(\(key))", logger: logger)
                    let result = try await body(Transaction(connection: connection, logger: logger))
                    _ = try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw Self.failure(error)
        }
    }

    /// The statements of a transaction, on its connection.
    private struct Transaction: SQLStatements {
        let connection: PostgresConnection
        let logger: Logger

        func execute(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) {
            _ = try await query(sql, binds)
        }

        func query(_ sql: String, _ binds: [SQLValue]) async throws(ServiceStoreError) -> [[SQLValue]] {
            let statement = try PostgresDatabase.statement(sql, binds)
            let connection = self.connection
            let logger = self.logger
            do {
                return try await PostgresDatabase.withTimeout(.seconds(30), "running a statement") {
                    let rows = try await connection.query(statement, logger: logger)
                    var result: [[SQLValue]] = []
                    for try await row in rows {
                        result.append(row.map(PostgresDatabase.value))
                    }
                    return result
                }
            } catch {
                throw PostgresDatabase.failure(error)
            }
        }
    }

    /// Runs `body`, failing with `.unavailable` when it takes longer than `limit`.
    static func withTimeout<T: Sendable>(
        _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw ServiceStoreError(.unavailable, "PostgreSQL did not answer within \(limit.components.seconds) s (\(what))")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else {
                throw ServiceStoreError(.unavailable, "PostgreSQL: \(what) was cancelled")
            }
            return first
        }
    }

    /// The statement with `?` placeholders numbered as PostgreSQL wants (`$1`, `$2`…).
    static func statement(_ sql: String, _ binds: [SQLValue]) throws(ServiceStoreError) -> PostgresQuery {
        var text = ""
        var number = 0
        var inString = false
        for character in sql {
            if character == "'" { inString.toggle() }
            if character == "?" && !inString {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        guard number == binds.count else {
            throw ServiceStoreError(.unavailable, "a statement has \(number) placeholders for \(binds.count) values")
        }
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .text(let value): bindings.append(value)
            case .integer(let value): bindings.append(value)
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    fileprivate static func value(_ cell: PostgresCell) -> SQLValue {
        if let text = try? cell.decode(String.self) { return .text(text) }
        if let integer = try? cell.decode(Int64.self) { return .integer(integer) }
        if let integer = try? cell.decode(Int32.self) { return .integer(Int64(integer)) }
        return .null
    }

    /// A failure safe to show: PostgreSQL's own message, never the connection string.
    fileprivate static func failure(_ error: any Error) -> ServiceStoreError {
        if let error = error as? ServiceStoreError { return error }
        if let error = error as? PSQLError {
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            return ServiceStoreError(.unavailable, "PostgreSQL: \(message)")
        }
        return ServiceStoreError(.unavailable, "PostgreSQL: \(String(describing: error).prefix(200))")
    }
}
