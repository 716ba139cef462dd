import Foundation
import TerraceCore

/// Everything `terrace serve` needs, resolved from flags and environment variables.
public struct ServeConfiguration: Sendable {
    /// The git URL followed.
    public var repo: String
    /// The branch followed.
    public var branch: String
    /// The folder of `terrace.yaml` inside the repository.
    public var path: String
    /// Time between polls.
    public var interval: Duration
    /// Time between drift checks; nil disables them.
    public var driftInterval: Duration?
    /// The data folder: clone, working directories, logs, SQLite database.
    public var dataDirectory: String
    /// A PostgreSQL URL; nil keeps the status in SQLite under the data folder.
    public var databaseURL: String?
    /// The database password from a file or `PGPASSWORD`, when not in the URL.
    public var databasePassword: String?
    /// The address listened on.
    public var host: String
    /// The port listened on.
    public var port: Int
    /// The webhook secret; nil disables webhooks.
    public var webhookSecret: String?
    /// A file holding the admin token, instead of a generated one.
    public var adminTokenFile: String?
    /// Infrastructures run at once.
    public var maxParallel: Int
    /// Units run at once within an infrastructure; nil takes the project's setting.
    public var unitParallelism: Int?
    /// Names this replica in runs and locks.
    public var replicaID: String
    /// Variables for git (credentials helpers).
    public var gitEnvironment: [String: String]
    /// The provider plugin cache.
    public var pluginCache: String
    /// The git module cache.
    public var moduleCache: String
    /// The URL browsers reach the service at (OIDC redirect URI, HSTS when https); nil: `http://<host>:<port>`.
    public var publicURL: String?
    /// How long a web UI session lives after sign-in.
    public var sessionTTL: TimeInterval = 12 * 3600
    /// The OIDC provider of the web UI; nil: the UI asks for the admin token.
    public var oidc: OIDCSettings?
    /// How long SIGTERM waits for a graceful stop (runs interrupted and recorded, locks released) before the
    /// service forces its way out: child processes killed, exit status ``ShutdownDeadline/forcedExitStatus``.
    public var shutdownGrace: Duration = ShutdownDeadline.defaultGrace
    /// How long a sync may go without progress before `/healthz` fails.
    public var syncStallTimeout: Duration = .seconds(600)
    /// How long one git command (fetch, checkout) may run before it is killed; nil: no limit.
    public var gitTimeout: Duration? = .seconds(300)
    /// Which runs and logs are kept.
    public var runRetention: RunRetention = .default

    /// Creates a configuration.
    public init(
        repo: String, branch: String = "main", path: String = "", interval: Duration = .seconds(60),
        driftInterval: Duration? = .seconds(3600), dataDirectory: String, databaseURL: String? = nil, databasePassword: String? = nil,
        host: String = "127.0.0.1", port: Int = 8080, webhookSecret: String? = nil, adminTokenFile: String? = nil,
        maxParallel: Int = 2, unitParallelism: Int? = nil, replicaID: String, gitEnvironment: [String: String] = [:],
        pluginCache: String, moduleCache: String, publicURL: String? = nil, sessionTTL: TimeInterval = 12 * 3600,
        oidc: OIDCSettings? = nil
    ) {
        self.repo = repo
        self.branch = branch
        self.path = path
        self.interval = interval
        self.driftInterval = driftInterval
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.databasePassword = databasePassword
        self.host = host
        self.port = port
        self.webhookSecret = webhookSecret
        self.adminTokenFile = adminTokenFile
        self.maxParallel = maxParallel
        self.unitParallelism = unitParallelism
        self.replicaID = replicaID
        self.gitEnvironment = gitEnvironment
        self.pluginCache = pluginCache
        self.moduleCache = moduleCache
        self.publicURL = publicURL
        self.sessionTTL = sessionTTL
        self.oidc = oidc
    }

    /// The public URL, or `http://<host>:<port>` when none was given.
    public var effectivePublicURL: String {
        if let publicURL { return publicURL }
        let shown = host.contains(":") ? "[\(host)]" : host
        return "http://\(shown):\(port)"
    }

    /// Reads `30s`, `5m`, `1h`, `1h30m`, `250ms` or a plain number of seconds; nil when unreadable.
    public static func duration(_ text: String) -> Duration? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text) { return seconds >= 0 ? .milliseconds(Int64(seconds * 1000)) : nil }
        var total: Double = 0
        var number = ""
        var unit = ""
        var sawPart = false
        func flush() -> Bool {
            guard let value = Double(number) else { return false }
            let factors: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400]
            guard let factor = factors[unit] else { return false }
            total += value * factor
            number = ""
            unit = ""
            sawPart = true
            return true
        }
        for character in text {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard !number.isEmpty, flush(), sawPart else { return nil }
        return .milliseconds(Int64(total * 1000))
    }
}
