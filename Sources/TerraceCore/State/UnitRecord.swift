import Foundation

/// What Terrace recorded about a unit after its last successful apply.
public struct UnitRecord: Codable, Hashable, Sendable {
    /// The desired-state digest that was applied.
    public var digest: String
    /// The digest of the module's files at that time.
    public var moduleDigest: String
    /// The digest of the cloud and backend settings at that time.
    public var settingsDigest: String
    /// The digest of each rendered input, by variable name.
    public var inputDigests: [String: String]
    /// The module's outputs after the apply.
    public var outputs: [String: Value]
    /// The names of outputs the module marks `sensitive`; their values are never shown.
    public var sensitiveOutputs: [String]
    /// The units this unit depended on, so that it can be destroyed in the right order once removed.
    public var dependsOn: [String]
    /// The module, as shown to users.
    public var module: String
    /// When the apply finished.
    public var appliedAt: Date
    /// The git revision the apply came from, when known.
    public var revision: String?
    /// For a Kubernetes unit, the objects it applied (`apiVersion Kind namespace/name`), so that objects it no longer
    /// renders, and all of them on destroy, are deleted; nil for Terraform units.
    public var inventory: [String]?

    /// Creates a record.
    public init(
        digest: String, moduleDigest: String, settingsDigest: String, inputDigests: [String: String],
        outputs: [String: Value] = [:], sensitiveOutputs: [String] = [], dependsOn: [String] = [], module: String,
        appliedAt: Date, revision: String? = nil, inventory: [String]? = nil
    ) {
        self.inventory = inventory
        self.digest = digest
        self.moduleDigest = moduleDigest
        self.settingsDigest = settingsDigest
        self.inputDigests = inputDigests
        self.outputs = outputs
        self.sensitiveOutputs = sensitiveOutputs
        self.dependsOn = dependsOn
        self.module = module
        self.appliedAt = appliedAt
        self.revision = revision
    }
}
