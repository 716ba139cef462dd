/// One addon of the catalogue Terrace ships (`modules/catalogue/addons.yaml`): a pinned chart, the values Terrace gives
/// it, the AWS permissions it needs, and what it depends on.
public struct AddonEntry: Hashable, Sendable {
    /// An IAM statement the addon's role allows: actions on resources (templates and `{placeholders}` allowed).
    public struct Permission: Hashable, Sendable {
        /// The IAM actions.
        public var actions: [String]
        /// The resource ARNs, possibly with `${…}` references and the module's `{placeholders}`.
        public var resources: [InputValue]
    }

    /// The addon's name, as the manifest's `addons` key and the unit's name.
    public var name: String
    /// One line on what it installs.
    public var description: String
    /// The Helm repository (`https://` or `oci://`).
    public var chartRepository: String
    /// The chart's name.
    public var chartName: String
    /// The pinned chart version.
    public var chartVersion: String
    /// The namespace it is installed in.
    public var namespace: String
    /// Its Argo CD sync wave.
    public var wave: Int
    /// The sections of the manifest it needs (`domain`, `network`).
    public var requires: [BuiltinSection]
    /// The addons it needs, enabled in the same manifest.
    public var dependsOn: [String]
    /// The service account its IRSA role trusts, when it needs AWS.
    public var serviceAccount: String?
    /// The IAM statements of its role.
    public var permissions: [Permission]
    /// Whether it stores data in the logging bucket the `addons` unit makes.
    public var usesLoggingBucket: Bool
    /// Its Helm values, with `${…}` references; a manifest's `values` are merged over them.
    public var values: [String: InputValue]
    /// Where the entry is written in the catalogue.
    public var location: SourceLocation

    /// Whether the addon gets an IRSA role.
    public var needsRole: Bool { serviceAccount != nil && !permissions.isEmpty }
}
