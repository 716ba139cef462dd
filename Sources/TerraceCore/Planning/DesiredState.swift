/// The desired state of a unit, reduced to digests: its module's files, its rendered inputs, and the
/// cloud and backend settings. Two equal digests mean Terraform has nothing new to do.
public struct DesiredState: Hashable, Sendable {
    /// The digest of the module's files.
    public var moduleDigest: String
    /// The digest of the cloud and backend settings.
    public var settingsDigest: String
    /// The digest of each rendered input, by variable name.
    public var inputDigests: [String: String]
    /// The digest of all of the above.
    public var digest: String

    /// Computes the desired state of a unit from its module and fully known rendered inputs.
    public init(module: ResolvedModule, infrastructure: Infrastructure, inputs: [String: Value]) {
        let settings = DesiredState.settingsDigest(of: infrastructure)
        var inputDigests: [String: String] = [:]
        for (name, value) in inputs { inputDigests[name] = ContentDigest.of(value.canonicalJSON) }
        self.init(moduleDigest: module.digest, settingsDigest: settings, inputDigests: inputDigests)
    }

    /// Combines component digests into a desired state.
    public init(moduleDigest: String, settingsDigest: String, inputDigests: [String: String]) {
        var combined = ContentDigest()
        combined.add("terrace-unit-v1")
        combined.add(moduleDigest)
        combined.add(settingsDigest)
        for name in inputDigests.keys.sorted() {
            combined.add(name)
            combined.add(inputDigests[name] ?? "")
        }
        self.moduleDigest = moduleDigest
        self.settingsDigest = settingsDigest
        self.inputDigests = inputDigests
        self.digest = combined.finalize()
    }

    /// The digest of the settings every unit of `infrastructure` shares: provider, region, endpoint, bucket.
    public static func settingsDigest(of infrastructure: Infrastructure) -> String {
        var digest = ContentDigest()
        digest.add(infrastructure.cloud.provider)
        digest.add(infrastructure.cloud.region)
        digest.add(infrastructure.cloud.endpoint ?? "")
        digest.add(infrastructure.backend.bucket)
        return digest.finalize()
    }

    /// Why this desired state differs from what was recorded, as short phrases; empty when equal.
    public func reasons(comparedTo record: UnitRecord) -> [String] {
        guard record.digest != digest else { return [] }
        var reasons: [String] = []
        if record.moduleDigest != moduleDigest { reasons.append("module changed") }
        if record.settingsDigest != settingsDigest { reasons.append("cloud or backend settings changed") }
        let names = Set(inputDigests.keys).union(record.inputDigests.keys).sorted()
        let changed = names.filter { inputDigests[$0] != record.inputDigests[$0] }
        if !changed.isEmpty { reasons.append("inputs changed: " + changed.joined(separator: ", ")) }
        if reasons.isEmpty { reasons.append("desired state changed") }
        return reasons
    }
}
