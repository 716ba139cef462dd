import Foundation

extension ArgoCDInstall {
    /// The infrastructure's facts that the GitOps-bridge cluster Secret carries to Argo CD (ApplicationSets read them
    /// from the Secret's labels and annotations). Facts a cluster lacks (an existing cluster has no VPC Terrace knows)
    /// are nil and left out.
    public struct ClusterFacts: Hashable, Sendable {
        /// The cluster's name (the EKS cluster, or the infrastructure's for an existing cluster).
        public var clusterName: String
        /// The AWS region.
        public var region: String?
        /// The AWS account id.
        public var accountID: String?
        /// The VPC id.
        public var vpcID: String?
        /// The infrastructure's domain.
        public var domain: String?
        /// The Route 53 hosted zone id of the domain.
        public var zoneID: String?
        /// The addons enabled in the cluster; each becomes an `enable_<addon>: "true"` label.
        public var enabledAddons: Set<String>
        /// The IAM role ARN of each addon that has one, by addon name.
        public var roleARNs: [String: String]

        /// Creates the facts.
        public init(
            clusterName: String, region: String? = nil, accountID: String? = nil, vpcID: String? = nil,
            domain: String? = nil, zoneID: String? = nil, enabledAddons: Set<String> = [], roleARNs: [String: String] = [:]
        ) {
            self.clusterName = clusterName
            self.region = region
            self.accountID = accountID
            self.vpcID = vpcID
            self.domain = domain
            self.zoneID = zoneID
            self.enabledAddons = enabledAddons
            self.roleARNs = roleARNs
        }
    }

    /// The cluster Secret's name, and the Argo CD cluster name it declares (Applications target `name: in-cluster`).
    public static let clusterSecretName = "in-cluster"
    /// The API server address of the cluster Argo CD runs in.
    public static let inClusterServer = "https://kubernetes.default.svc"
    /// The label that makes a Secret an Argo CD cluster.
    public static let secretTypeLabel = "argocd.argoproj.io/secret-type"
    /// The prefix of every addon label: `enable_<addon>: "true"` (the GitOps bridge's convention).
    public static let addonLabelPrefix = "enable_"
    /// The prefix of every annotation Terrace writes on the cluster Secret.
    public static let annotationPrefix = "terrace.dev/"

    /// The frozen annotation keys of the cluster Secret. They are a public interface (ApplicationSets and charts
    /// read them): never rename one, only add.
    ///
    /// | key | value |
    /// |---|---|
    /// | `terrace.dev/cluster-name` | the cluster's name |
    /// | `terrace.dev/region` | the AWS region |
    /// | `terrace.dev/account-id` | the AWS account id |
    /// | `terrace.dev/vpc-id` | the VPC id |
    /// | `terrace.dev/domain` | the infrastructure's domain |
    /// | `terrace.dev/zone-id` | the Route 53 hosted zone id |
    /// | `terrace.dev/<addon>-role-arn` | the IAM role ARN of `<addon>` (one per addon with a role) |
    ///
    /// Labels: `argocd.argoproj.io/secret-type: cluster`, `app.kubernetes.io/managed-by: terrace`, and
    /// `enable_<addon>: "true"` per enabled addon. Facts a cluster lacks are left out.
    public enum ClusterSecretKey {
        /// `terrace.dev/cluster-name`.
        public static let clusterName = "terrace.dev/cluster-name"
        /// `terrace.dev/region`.
        public static let region = "terrace.dev/region"
        /// `terrace.dev/account-id`.
        public static let accountID = "terrace.dev/account-id"
        /// `terrace.dev/vpc-id`.
        public static let vpcID = "terrace.dev/vpc-id"
        /// `terrace.dev/domain`.
        public static let domain = "terrace.dev/domain"
        /// `terrace.dev/zone-id`.
        public static let zoneID = "terrace.dev/zone-id"
        /// The suffix of an addon's role annotation: `terrace.dev/<addon>-role-arn`.
        public static let roleARNSuffix = "-role-arn"

        /// The annotation key of `addon`'s role ARN: `terrace.dev/<addon>-role-arn`.
        public static func roleARN(_ addon: String) -> String { ArgoCDInstall.annotationPrefix + addon + roleARNSuffix }

        /// The fixed keys, in the order documented above.
        public static let all: [String] = [clusterName, region, accountID, vpcID, domain, zoneID]
    }

    /// The GitOps-bridge cluster Secret in ``namespace``: see ``clusterSecret(_:namespace:)``.
    public func clusterSecret(_ facts: ClusterFacts) throws(KubernetesError) -> Value {
        try Self.clusterSecret(facts, namespace: namespace)
    }

    /// The GitOps-bridge cluster Secret: Argo CD's own cluster (`name: in-cluster`,
    /// `server: https://kubernetes.default.svc`), labelled as a cluster and per enabled addon, annotated with the
    /// facts under the keys of ``ClusterSecretKey``. Its values are in `data` (base64), so applying it again changes
    /// nothing.
    /// - Throws: ``KubernetesError`` (`invalidName`) when an addon name cannot be part of a label or
    ///   annotation key.
    public static func clusterSecret(_ facts: ClusterFacts, namespace: String) throws(KubernetesError) -> Value {
        try checkDNSLabel(namespace, what: "the Argo CD namespace")
        var labels: [String: Value] = [secretTypeLabel: "cluster", "app.kubernetes.io/managed-by": "terrace"]
        for addon in facts.enabledAddons {
            try checkKeyName(addonLabelPrefix + addon, addon: addon)
            labels[addonLabelPrefix + addon] = "true"
        }
        var annotations: [String: Value] = [ClusterSecretKey.clusterName: .string(facts.clusterName)]
        let optional: [(String, String?)] = [
            (ClusterSecretKey.region, facts.region), (ClusterSecretKey.accountID, facts.accountID),
            (ClusterSecretKey.vpcID, facts.vpcID), (ClusterSecretKey.domain, facts.domain),
            (ClusterSecretKey.zoneID, facts.zoneID),
        ]
        for case (let key, let value?) in optional { annotations[key] = .string(value) }
        for (addon, arn) in facts.roleARNs {
            try checkKeyName(addon + ClusterSecretKey.roleARNSuffix, addon: addon)
            annotations[ClusterSecretKey.roleARN(addon)] = .string(arn)
        }
        func encoded(_ text: String) -> Value { .string(Data(text.utf8).base64EncodedString()) }
        return [
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": [
                "name": .string(clusterSecretName), "namespace": .string(namespace), "labels": .map(labels),
                "annotations": .map(annotations),
            ],
            "data": [
                "name": encoded(clusterSecretName), "server": encoded(inClusterServer),
                "config": encoded(#"{"tlsClientConfig":{"insecure":false}}"#),
            ],
        ]
    }

    /// Refuses a label or annotation key name (the part after the prefix) Kubernetes would refuse: at most 63
    /// letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit.
    static func checkKeyName(_ name: String, addon: String) throws(KubernetesError) {
        func alphanumeric(_ byte: UInt8) -> Bool {
            (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte)
        }
        let bytes = Array(name.utf8)
        let valid =
            !bytes.isEmpty && bytes.count <= 63 && bytes.allSatisfy { alphanumeric($0) || $0 == 45 || $0 == 95 || $0 == 46 }
            && bytes.first.map(alphanumeric) == true && bytes.last.map(alphanumeric) == true
        guard valid else {
            throw KubernetesError(
                .invalidName, "the addon name `\(addon)` cannot be used in the Argo CD cluster Secret's key `\(name)`",
                hint: "addon names must be letters, digits, `-`, `_` or `.`, start and end with a letter or digit, and "
                    + "be short enough for a 63-character key")
        }
    }
}
