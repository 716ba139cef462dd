import Foundation
import Hummingbird
import Logging
import TerraceAWS
import TerraceCore
import TerraceGit
import TerracePostgres
import TerraceSQLite

/// Runs `terrace serve` until SIGTERM or SIGINT.
public enum TerraceService {
    /// Opens the status database (PostgreSQL when configured, else SQLite in the data folder), then runs the
    /// HTTP server and the reconcile loops in one service group with graceful shutdown.
    public static func run(_ configuration: ServeConfiguration) async throws {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        if let url = configuration.databaseURL {
            let postgres: PostgresConfiguration
            do {
                postgres = try PostgresConfiguration(url: url, password: configuration.databasePassword)
            } catch {
                throw ServerError("--database: \(error.message)")
            }
            try await PostgresDatabase.with(postgres) { database in
                let store = try await openStore(database, description: postgres.description)
                try await run(configuration, store: store)
            }
        } else {
            let path = configuration.dataDirectory + "/terrace.sqlite"
            let database = try await SQLiteDatabase.open(path: path)
            do {
                try await run(configuration, store: try await openStore(database, description: path))
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }

    /// Records the runs of `replica` still running as interrupted (retried on the next start), when a stop is forced.
    static func recordForcedStop(store: any ServiceStore, replica: String, reason: String) async {
        let running = (try? await store.runs(infrastructure: nil, status: .running, limit: 1000)) ?? []
        let now = Date()
        for var run in running where run.replica == replica {
            run.status = .interrupted
            run.finishedAt = now
            run.message = "the service (replica \(replica)) was stopped by force during this run (\(reason)); it is retried"
            try? await store.saveRun(run)
            let message = run.message ?? "interrupted"
            _ = try? await store.updateInfrastructure(run.infrastructure) { $0.conditions.markFailed(.interrupted, message, at: now) }
        }
    }

    private static func openStore(_ database: any SQLDatabase, description: String) async throws -> SQLServiceStore {
        do {
            return try await SQLServiceStore.open(database)
        } catch {
            throw ServerError("cannot open the status database \(description): \(error.message)")
        }
    }

    private static func run(_ configuration: ServeConfiguration, store: any ServiceStore) async throws {
        var logger = Logger(label: "terrace")
        logger.logLevel = .info
        let token = try await AdminToken.prepare(file: configuration.adminTokenFile, store: store) { token in
            FileHandle.standardError.write(Data("""
                terrace serve: generated the admin token. It is shown this once; only its hash is stored.
                  \(token)
                Pass it as `Authorization: Bearer <token>`; or mount your own with --admin-token-file.

                """.utf8))
        }
        let credentials: AWSCredentials
        do {
            credentials = try AWSCredentials.resolve()
        } catch {
            throw ServerError("AWS credentials: \(error.message)")
        }
        let source = GitSource(
            url: configuration.repo, branch: configuration.branch, directory: configuration.dataDirectory + "/source",
            environment: configuration.gitEnvironment, timeout: configuration.gitTimeout)
        let environment = LiveEnvironment(
            source: source, path: configuration.path, dataDirectory: configuration.dataDirectory, credentials: credentials, pluginCache: configuration.pluginCache, moduleCache: configuration.moduleCache,
            shutdownGrace: configuration.shutdownGrace)
        // The metrics count; the service log narrates each sync and run step (run starts and ends included).
        let metrics = ServiceMetrics()
        let reconciler = Reconciler(
            store: store, environment: environment, observer: ReconcileObservers([metrics, ServiceLog(logger: logger)]),
            settings: ReconcilerSettings(
                replica: configuration.replicaID, sourceURL: source.displayURL, branch: configuration.branch, path: configuration.path,
                maxParallel: configuration.maxParallel, unitParallelism: configuration.unitParallelism))
        var dependencies = ServerDependencies(
            reconciler: reconciler, store: store, metrics: metrics, token: token,
            webhook: WebhookVerifier(secret: configuration.webhookSecret), branch: configuration.branch)
        dependencies.logRoot = configuration.dataDirectory + "/logs"
        dependencies.syncStallTimeout = configuration.syncStallTimeout
        let (auth, authHTTP) = WebAuth.make(configuration)
        dependencies.auth = auth
        var service = ReconcileService(reconciler: reconciler, interval: configuration.interval, driftInterval: configuration.driftInterval)
        service.retention = RunPruner(store: store, retention: configuration.runRetention, logRoot: configuration.dataDirectory + "/logs", logger: logger)
        let replica = configuration.replicaID
        let deadline = ShutdownDeadline(grace: configuration.shutdownGrace, logger: logger) { reason in
            await Self.recordForcedStop(store: store, replica: replica, reason: reason)
        }
        deadline.arm()
        logger.info(
            "terrace serve: following \(source.displayURL) (branch \(configuration.branch)) on http://\(configuration.host):\(configuration.port)")
        logger.info("terrace serve: web UI at \(configuration.effectivePublicURL)/ui, sign-in with \(configuration.oidc.map { "OIDC (\($0.issuer))" } ?? "the admin token")")
        let app = buildApplication(dependencies, host: configuration.host, port: configuration.port, services: [service], logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch {
            try? await authHTTP?.shutdown()
            await environment.shutdown()
            throw error
        }
        try? await authHTTP?.shutdown()
        await environment.shutdown()
        logger.info("terrace serve: stopped")
    }
}
