/// Everything needed to talk to one cluster: the endpoint, the credentials and the default namespace.
public struct KubernetesConnection: Sendable {
    /// The API server and how to trust it.
    public var endpoint: KubernetesEndpoint
    /// The credentials presented.
    public var credentials: KubernetesCredentials
    /// The default namespace (a kubeconfig context's), when one is set.
    public var namespace: String?
    /// The kubeconfig context it came from, when it came from one.
    public var context: String?

    /// Creates a connection.
    public init(
        endpoint: KubernetesEndpoint, credentials: KubernetesCredentials, namespace: String? = nil, context: String? = nil
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.namespace = namespace
        self.context = context
    }
}
