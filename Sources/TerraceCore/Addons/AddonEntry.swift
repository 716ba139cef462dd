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

    /// A setting a manifest may give the addon beyond `version` and `values`, read in the entry's templates as
    /// `${addon.NAME}`.
    public struct Setting: Hashable, Sendable {
        /// What the value must be.
        public enum Kind: String, Hashable, Sendable {
            case string, bool, number
        }

        /// The setting's name.
        public var name: String
        /// What the value must be.
        public var kind: Kind
        /// The value when the manifest gives none (null: none).
        public var defaultValue: Value
        /// The values allowed, when only a few are (each may carry a ``Variant``).
        public var allowed: [String]
        /// What a choice changes, by allowed value.
        public var variants: [String: Variant]
        /// One line on what it does.
        public var description: String
    }

    /// A pinned Helm chart.
    public struct Chart: Hashable, Sendable {
        /// The Helm repository (`https://` or `oci://`).
        public var repository: String
        /// The chart's name.
        public var name: String
        /// The pinned version.
        public var version: String
    }

    /// What a choice of a setting, or another enabled addon, changes in the entry.
    public struct Variant: Hashable, Sendable {
        /// Another chart in place of the entry's.
        public var chart: Chart?
        /// Values: in place of the entry's, for a chart of its own; else merged over them.
        public var values: [String: InputValue] = [:]
        /// Objects added to ``AddonEntry/prerequisites``.
        public var prerequisites: [InputValue] = []
        /// Objects added to ``AddonEntry/objects``.
        public var objects: [InputValue] = []
        /// Addons added to ``AddonEntry/dependsOn``.
        public var dependsOn: [String] = []
        /// Outputs added to (or replacing) ``AddonEntry/outputs``.
        public var outputs: [String: InputValue] = [:]

        /// Creates an empty variant.
        public init() {}
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
    /// The settings a manifest may give, by name.
    public var settings: [String: Setting] = [:]
    /// Objects applied before the Application, once the addons it depends on run (their kinds come from those).
    public var prerequisites: [InputValue] = []
    /// Objects applied once the Application is `Synced` and `Healthy` (their kinds may come from its chart), each
    /// waited for until it is ready.
    public var objects: [InputValue] = []
    /// The unit's outputs beyond the Application's (`url`, `credentials_secret`).
    public var outputs: [String: InputValue] = [:]
    /// What changes when another addon is enabled in the same manifest, by that addon's name.
    public var with: [String: Variant] = [:]
    /// Where the entry is written in the catalogue.
    public var location: SourceLocation

    /// Whether the addon gets an IRSA role.
    public var needsRole: Bool { serviceAccount != nil && !permissions.isEmpty }
}
