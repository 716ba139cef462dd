import ArgumentParser
import Foundation
import TerraceCore
import TerraceGit
import TerraceServer

/// `terrace serve`: follow a git repository and keep its infrastructures applied.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Follow a git repository and keep its infrastructures applied (the GitOps service).",
        discussion: """
            Every flag can also be set with the environment variable named in its help, as a container expects.
            Git credentials: TERRACE_GIT_USERNAME with TERRACE_GIT_PASSWORD or TERRACE_GIT_PASSWORD_FILE (https),
            TERRACE_GIT_SSH_KEY_FILE and TERRACE_GIT_KNOWN_HOSTS_FILE (ssh). AWS credentials: the usual AWS_* variables.
            See docs/serve.md.
            """)

    @Option(help: "The git repository to follow: https, ssh, file or git:// URL (TERRACE_REPO).")
    var repo: String?

    @Option(help: "The branch to follow (TERRACE_BRANCH; default main).")
    var branch: String?

    @Option(help: "The folder of terrace.yaml inside the repository (TERRACE_PATH; default its root).")
    var path: String?

    @Option(help: "Time between polls of the repository, such as 30s, 5m (TERRACE_INTERVAL; default 60s).")
    var interval: String?

    @Option(help: "Time between drift checks; 0 disables them (TERRACE_DRIFT_INTERVAL; default 1h).")
    var driftInterval: String?

    @Option(help: "The data folder: clone, Terraform working directories, logs, SQLite database (TERRACE_DATA; default ./terrace-data).")
    var data: String?

    @Option(help: "A PostgreSQL URL postgres://user@host:5432/db for several replicas (TERRACE_DATABASE_URL; default SQLite in --data).")
    var database: String?

    @Option(help: "A file holding the PostgreSQL password, kept out of the URL (TERRACE_DATABASE_PASSWORD_FILE, or PGPASSWORD).")
    var databasePasswordFile: String?

    @Option(help: "The address to listen on, HOST:PORT (TERRACE_LISTEN; default 127.0.0.1:8080).")
    var listen: String?

    @Option(help: "A file holding the webhook secret (TERRACE_WEBHOOK_SECRET_FILE, or the secret in TERRACE_WEBHOOK_SECRET).")
    var webhookSecretFile: String?

    @Option(help: "A file holding the API's admin token (TERRACE_ADMIN_TOKEN_FILE; default: generated on first start, printed once).")
    var adminTokenFile: String?

    @Option(help: "How many infrastructures run at once (TERRACE_MAX_PARALLEL; default 2).")
    var maxParallel: Int?

    @Option(help: "How many units run at once within an infrastructure (TERRACE_PARALLELISM; default the project's setting).")
    var parallelism: Int?

    @Option(help: "Names this replica in runs and locks (TERRACE_REPLICA_ID; default the host name).")
    var replicaId: String?

    @Option(help: "The URL browsers reach Terrace at, such as https://terrace.example.com: the OIDC redirect URI is <URL>/ui/auth/callback, and https turns on HSTS (TERRACE_PUBLIC_URL; default http://<listen address>).")
    var publicUrl: String?

    @Option(help: "How long a web UI sign-in lasts, such as 8h (TERRACE_SESSION_TTL; default 12h).")
    var sessionTtl: String?

    @Option(help: "The OpenID Connect issuer URL for web UI sign-in, exactly as in its ID tokens (TERRACE_OIDC_ISSUER; default: sign in with the admin token).")
    var oidcIssuer: String?

    @Option(help: "The OIDC client id registered at the provider (TERRACE_OIDC_CLIENT_ID).")
    var oidcClientId: String?

    @Option(help: "A file holding the OIDC client secret (TERRACE_OIDC_CLIENT_SECRET_FILE, or the secret in TERRACE_OIDC_CLIENT_SECRET).")
    var oidcClientSecretFile: String?

    @Option(help: "Members of this group (ID token claim `groups` or `roles`) are admins; others are viewers (TERRACE_OIDC_ADMIN_GROUP).")
    var oidcAdminGroup: String?

    @Option(help: "How long SIGTERM waits for a graceful stop before killing child processes and exiting with status 124, such as 30s (TERRACE_SHUTDOWN_GRACE; default 30s).")
    var shutdownGrace: String?

    @Option(help: "How long a sync may go without progress before /healthz fails, such as 10m (TERRACE_SYNC_STALL_TIMEOUT; default 10m).")
    var syncStallTimeout: String?

    @Option(help: "How long one git fetch or checkout may run before it is killed, such as 5m; 0 for no limit (TERRACE_GIT_TIMEOUT; default 5m).")
    var gitTimeout: String?

    @Option(help: "How many runs of each infrastructure to keep, with their logs; 0 keeps all (TERRACE_KEEP_RUNS; default 100).")
    var keepRuns: Int?

    @Option(help: "How long to keep runs and their logs, such as 30d; 0 keeps them for ever (TERRACE_KEEP_RUNS_FOR; default 30d).")
    var keepRunsFor: String?

    func validate() throws {
        _ = try resolve(environment: ProcessInfo.processInfo.environment)
    }

    func run() async throws {
        let configuration = try resolve(environment: ProcessInfo.processInfo.environment)
        do {
            try await TerraceService.run(configuration)
        } catch let error as ServerError {
            Terminal.printError("error: \(error.message)")
            throw ExitCode.failure
        }
    }

    /// The configuration from flags, then environment variables, then defaults.
    func resolve(environment: [String: String]) throws -> ServeConfiguration {
        func value(_ flag: String?, _ name: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let variable = environment[name], !variable.isEmpty { return variable }
            return nil
        }
        guard let repo = value(repo, "TERRACE_REPO") else {
            throw ValidationError("--repo (or TERRACE_REPO) is required: the git repository to follow")
        }
        let intervalText = value(interval, "TERRACE_INTERVAL") ?? "60s"
        guard let pollInterval = ServeConfiguration.duration(intervalText), pollInterval > .zero else {
            throw ValidationError("--interval: `\(intervalText)` is not a duration such as 30s, 5m or 1h")
        }
        let driftText = value(driftInterval, "TERRACE_DRIFT_INTERVAL") ?? "1h"
        guard let drift = ServeConfiguration.duration(driftText) else {
            throw ValidationError("--drift-interval: `\(driftText)` is not a duration such as 30m or 1h (0 disables)")
        }
        let listenText = value(listen, "TERRACE_LISTEN") ?? "127.0.0.1:8080"
        guard let colon = listenText.lastIndex(of: ":"), let port = Int(listenText[listenText.index(after: colon)...]),
            (0...65535).contains(port), colon != listenText.startIndex
        else {
            throw ValidationError("--listen: `\(listenText)` is not HOST:PORT")
        }
        var host = String(listenText[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let maxParallel = maxParallel ?? environment["TERRACE_MAX_PARALLEL"].flatMap { Int($0) } ?? 2
        guard maxParallel >= 1 else { throw ValidationError("--max-parallel must be at least 1") }
        let parallelism = parallelism ?? environment["TERRACE_PARALLELISM"].flatMap { Int($0) }
        if let parallelism, parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
        var webhookSecret = environment["TERRACE_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let file = value(webhookSecretFile, "TERRACE_WEBHOOK_SECRET_FILE") {
            webhookSecret = try Self.firstLine(of: file, what: "--webhook-secret-file")
        }
        var databasePassword = environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if let file = value(databasePasswordFile, "TERRACE_DATABASE_PASSWORD_FILE") {
            databasePassword = try Self.firstLine(of: file, what: "--database-password-file")
        }
        let adminTokenFile = value(adminTokenFile, "TERRACE_ADMIN_TOKEN_FILE")
        if let adminTokenFile, !FileManager.default.isReadableFile(atPath: adminTokenFile) {
            throw ValidationError("--admin-token-file: cannot read \(adminTokenFile)")
        }
        let data = value(self.data, "TERRACE_DATA") ?? "terrace-data"
        let dataDirectory = data.hasPrefix("/") ? data : FileManager.default.currentDirectoryPath + "/" + data
        let gitEnvironment: [String: String]
        do {
            gitEnvironment = try GitCredentials.gitEnvironment(from: environment, directory: dataDirectory + "/git")
        } catch {
            throw ValidationError("cannot prepare the git credentials helper in \(dataDirectory)/git")
        }
        let publicURL = try value(publicUrl, "TERRACE_PUBLIC_URL").map { try Self.checkedPublicURL($0) }
        let ttlText = value(sessionTtl, "TERRACE_SESSION_TTL") ?? "12h"
        guard let ttl = ServeConfiguration.duration(ttlText), ttl >= .seconds(60) else {
            throw ValidationError("--session-ttl: `\(ttlText)` is not a duration of at least 1m, such as 8h")
        }
        let sessionTTL = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        let oidc = try resolveOIDC(value: value, environment: environment)
        var configuration = ServeConfiguration(
            repo: repo, branch: value(branch, "TERRACE_BRANCH") ?? "main",
            path: (value(path, "TERRACE_PATH") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/")),
            interval: pollInterval, driftInterval: drift == .zero ? nil : drift, dataDirectory: dataDirectory,
            databaseURL: value(database, "TERRACE_DATABASE_URL"), databasePassword: databasePassword, host: host, port: port,
            webhookSecret: webhookSecret, adminTokenFile: adminTokenFile, maxParallel: maxParallel, unitParallelism: parallelism,
            replicaID: value(replicaId, "TERRACE_REPLICA_ID") ?? ProcessInfo.processInfo.hostName, gitEnvironment: gitEnvironment,
            pluginCache: CacheFolders.plugins(environment: environment), moduleCache: CacheFolders.base(environment: environment) + "/modules",
            publicURL: publicURL, sessionTTL: sessionTTL)
        try resolveLimits(value: value, environment: environment, into: &configuration)
        if let oidc {
            configuration.oidc = OIDCSettings(
                issuer: oidc.issuer, clientID: oidc.clientID, clientSecret: oidc.secret, adminGroup: oidc.adminGroup,
                publicURL: configuration.effectivePublicURL)
        }
        return configuration
    }

    /// The shutdown grace, stall and git time limits, and run retention.
    private func resolveLimits(
        value: (String?, String) -> String?, environment: [String: String], into configuration: inout ServeConfiguration
    ) throws {
        func duration(_ flag: String?, _ name: String, _ option: String, default fallback: String) throws -> Duration {
            let text = value(flag, name) ?? fallback
            guard let duration = ServeConfiguration.duration(text) else {
                throw ValidationError("\(option): `\(text)` is not a duration such as 30s, 5m, 1h or 30d")
            }
            return duration
        }
        let grace = try duration(shutdownGrace, "TERRACE_SHUTDOWN_GRACE", "--shutdown-grace", default: "30s")
        guard grace >= .seconds(1) else { throw ValidationError("--shutdown-grace must be at least 1s") }
        configuration.shutdownGrace = grace
        let stall = try duration(syncStallTimeout, "TERRACE_SYNC_STALL_TIMEOUT", "--sync-stall-timeout", default: "10m")
        guard stall >= .seconds(1) else { throw ValidationError("--sync-stall-timeout must be at least 1s") }
        configuration.syncStallTimeout = stall
        let git = try duration(gitTimeout, "TERRACE_GIT_TIMEOUT", "--git-timeout", default: "5m")
        configuration.gitTimeout = git == .zero ? nil : git
        let keepText = keepRuns.map(String.init) ?? environment["TERRACE_KEEP_RUNS"].flatMap { $0.isEmpty ? nil : $0 } ?? "100"
        guard let keep = Int(keepText), keep >= 0 else {
            throw ValidationError("--keep-runs: `\(keepText)` is not a number of runs (0 keeps all)")
        }
        let age = try duration(keepRunsFor, "TERRACE_KEEP_RUNS_FOR", "--keep-runs-for", default: "30d")
        configuration.runRetention = RunRetention(keepPerInfrastructure: keep == 0 ? nil : keep, maxAge: age == .zero ? nil : age)
    }

    /// The `--oidc-*` flags, all or none (issuer, client id and secret; the admin group is optional).
    private func resolveOIDC(
        value: (String?, String) -> String?, environment: [String: String]
    ) throws -> (issuer: String, clientID: String, secret: String, adminGroup: String?)? {
        let issuer = value(oidcIssuer, "TERRACE_OIDC_ISSUER")
        let clientID = value(oidcClientId, "TERRACE_OIDC_CLIENT_ID")
        var secret = environment["TERRACE_OIDC_CLIENT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let file = value(oidcClientSecretFile, "TERRACE_OIDC_CLIENT_SECRET_FILE") {
            secret = try Self.firstLine(of: file, what: "--oidc-client-secret-file")
        }
        let adminGroup = value(oidcAdminGroup, "TERRACE_OIDC_ADMIN_GROUP")
        guard let issuer else {
            if clientID != nil || secret != nil || adminGroup != nil {
                throw ValidationError("--oidc-client-id, --oidc-client-secret-file and --oidc-admin-group need --oidc-issuer")
            }
            return nil
        }
        guard let url = URL(string: issuer), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil, url.user == nil,
            scheme == "https" || (scheme == "http" && Self.isLoopback(host))
        else {
            throw ValidationError("--oidc-issuer: `\(issuer)` is not an https URL (http only on localhost)")
        }
        guard let clientID else { throw ValidationError("--oidc-client-id (or TERRACE_OIDC_CLIENT_ID) is required with --oidc-issuer") }
        guard let secret else {
            throw ValidationError("--oidc-client-secret-file (or TERRACE_OIDC_CLIENT_SECRET) is required with --oidc-issuer")
        }
        return (issuer, clientID, secret, adminGroup)
    }

    /// `text` as a public URL: http(s), a host, no path beyond `/`, no query; plain http only for a loopback host,
    /// since browsers keep the `__Host-` session cookie only over https or on localhost.
    private static func checkedPublicURL(_ text: String) throws -> String {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw ValidationError("--public-url: `\(text)` is not a URL such as https://terrace.example.com (no path)")
        }
        guard scheme == "https" || (scheme == "http" && isLoopback(host)) else {
            throw ValidationError(
                "--public-url: `\(text)` must be https (http only on localhost): browsers keep the session cookie only over https")
        }
        return trimmed
    }

    /// Whether `host` is this machine.
    private static func isLoopback(_ host: String) -> Bool {
        ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    private static func firstLine(of file: String, what: String) throws -> String {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ValidationError("\(what): cannot read \(file)")
        }
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !line.isEmpty else { throw ValidationError("\(what): \(file) is empty") }
        return line
    }
}
