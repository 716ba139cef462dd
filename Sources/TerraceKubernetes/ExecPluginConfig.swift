/// An `exec` credential plugin as a kubeconfig's user names it (`client.authentication.k8s.io/v1` or `v1beta1`):
/// the command that prints an `ExecCredential`, as `aws eks get-token`, `gke-gcloud-auth-plugin` and `kubelogin` do.
public struct ExecPluginConfig: Hashable, Sendable {
    /// The ExecCredential API versions Terrace speaks.
    public enum APIVersion: String, Hashable, Sendable, CaseIterable {
        /// `client.authentication.k8s.io/v1`.
        case v1 = "client.authentication.k8s.io/v1"
        /// `client.authentication.k8s.io/v1beta1`.
        case v1beta1 = "client.authentication.k8s.io/v1beta1"
    }

    /// One environment variable given to the plugin.
    public struct EnvVar: Hashable, Sendable {
        /// The variable's name.
        public var name: String
        /// Its value.
        public var value: String

        /// Creates a variable.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The API version of the ExecCredential exchanged.
    public var apiVersion: APIVersion
    /// The command: a name looked up in `PATH`, or a path (relative ones against the kubeconfig's folder).
    public var command: String
    /// Its arguments.
    public var args: [String]
    /// Variables added to Terrace's environment for the plugin.
    public var env: [EnvVar]
    /// Whether `KUBERNETES_EXEC_INFO` carries the cluster's server, CA and TLS settings.
    public var provideClusterInfo: Bool
    /// `interactiveMode` (`Never`, `IfAvailable`, `Always`); Terrace never gives the plugin a terminal.
    public var interactiveMode: String?
    /// `installHint`: what to tell people when the command is missing.
    public var installHint: String?

    /// Creates a plugin configuration.
    public init(
        apiVersion: APIVersion = .v1, command: String, args: [String] = [], env: [EnvVar] = [],
        provideClusterInfo: Bool = false, interactiveMode: String? = nil, installHint: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.installHint = installHint
    }

    /// The plugin's name for messages: the command's last path component.
    public var displayName: String {
        command.split(separator: "/").last.map(String.init) ?? command
    }
}
