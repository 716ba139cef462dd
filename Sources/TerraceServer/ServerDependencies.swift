import Foundation
import TerraceCore

/// What the HTTP routes work with; tests build it with fakes and get exactly the production router.
public struct ServerDependencies: Sendable {
    /// The engine webhooks and reconcile requests reach.
    public var reconciler: Reconciler
    /// Statuses, runs and logs.
    public var store: any ServiceStore
    /// The metrics `/metrics` shows.
    public var metrics: ServiceMetrics
    /// The API's bearer token.
    public var token: AdminToken
    /// Webhook signatures.
    public var webhook: WebhookVerifier
    /// The followed branch (pushes to others are ignored).
    public var branch: String
    /// How people sign in to the web UI (sessions, OIDC); defaults to the admin-token sign-in.
    public var auth: WebAuth = WebAuth()
    /// Where Terraform writes unit logs while runs go, `<data dir>/logs` (`<runID>/<infrastructure>/<unit>.log`
    /// below it); nil when there are no log files to follow (live logs then come from the store only).
    public var logRoot: String? = nil
    /// How long a sync may go without progress before `/healthz` fails (10 min by default).
    public var syncStallTimeout: Duration = .seconds(600)
    /// The time now (tests pass a fake clock).
    public var now: @Sendable () -> Date = { Date() }

    /// Creates the dependencies.
    public init(
        reconciler: Reconciler, store: any ServiceStore, metrics: ServiceMetrics, token: AdminToken, webhook: WebhookVerifier,
        branch: String
    ) {
        self.reconciler = reconciler
        self.store = store
        self.metrics = metrics
        self.token = token
        self.webhook = webhook
        self.branch = branch
    }
}
