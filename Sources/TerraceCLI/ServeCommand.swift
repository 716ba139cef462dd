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
        if let file = environment["TERRACE_DATABASE_PASSWORD_FILE"], !file.isEmpty {
            databasePassword = try Self.firstLine(of: file, what: "TERRACE_DATABASE_PASSWORD_FILE")
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
        return ServeConfiguration(
            repo: repo, branch: value(branch, "TERRACE_BRANCH") ?? "main",
            path: (value(path, "TERRACE_PATH") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/")),
            interval: pollInterval, driftInterval: drift == .zero ? nil : drift, dataDirectory: dataDirectory,
            databaseURL: value(database, "TERRACE_DATABASE_URL"), databasePassword: databasePassword, host: host, port: port,
            webhookSecret: webhookSecret, adminTokenFile: adminTokenFile, maxParallel: maxParallel, unitParallelism: parallelism,
            replicaID: value(replicaId, "TERRACE_REPLICA_ID") ?? ProcessInfo.processInfo.hostName, gitEnvironment: gitEnvironment,
            pluginCache: CacheFolders.plugins(environment: environment), moduleCache: CacheFolders.base(environment: environment) + "/modules")
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
