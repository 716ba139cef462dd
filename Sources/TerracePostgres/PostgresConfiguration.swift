import Foundation
import PostgresNIO

/// Where the status database is: read from a `postgres://user[:password]@host[:port]/database[?sslmode=…]` URL.
/// The password may come from the URL, `PGPASSWORD` or a file instead; it is never shown.
public struct PostgresConfiguration: Sendable, CustomStringConvertible {
    /// The server's host.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The user.
    public var username: String
    /// The password, if any.
    public var password: String?
    /// The database.
    public var database: String
    /// Whether TLS is required (`sslmode=require`), preferred (default) or off (`sslmode=disable`).
    public var sslMode: String
    /// How long the first connection (and creating the tables) may take before the service gives up on an
    /// unreachable server; generous, since a busy or just-started server can be slow.
    public var startupTimeout: Duration = .seconds(60)

    /// Reads a URL; `password` (from a file or the environment) wins over one in the URL.
    public init(url: String, password: String? = nil) throws(PostgresConfigurationError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw PostgresConfigurationError(message: "the database URL must look like postgres://user@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresConfigurationError(message: "the database URL has no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresConfigurationError(message: "the database URL has no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = password ?? components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.isEmpty ? self.username : database
        self.sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw PostgresConfigurationError(message: "sslmode must be disable, prefer or require (got `\(sslMode)`)")
        }
    }

    /// `postgres://user@host:port/database` without the password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

/// The database URL cannot be used.
public struct PostgresConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, without the password.
    public var message: String
    public var description: String { message }
}
