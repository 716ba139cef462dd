extension AddonEntry {
    /// What an enabled addon renders in one manifest: its variants applied, the manifest's values merged over, and
    /// every `${addon.…}` reference filled in.
    public struct Resolved: Hashable, Sendable {
        /// The chart, with the manifest's version when it gives one.
        public var chart: Chart
        /// The Helm values.
        public var values: [String: InputValue]
        /// Objects applied before the Application.
        public var prerequisites: [InputValue]
        /// Objects applied once the Application is ready.
        public var objects: [InputValue]
        /// The unit's extra outputs.
        public var outputs: [String: InputValue]
        /// The addons it depends on.
        public var dependsOn: [String]
    }

    /// The addon as a manifest enables it: `settings` given (others take their defaults), the addons `enabled` beside
    /// it (their `with` variants apply; `${addon.enabled.X}` is true for them and false for the other `known` ones),
    /// the chart `version` and the `values` it gives.
    ///
    /// A setting's variant may bring its own chart; its values then replace the entry's instead of merging.
    public func resolved(
        settings given: [String: Value], enabled: Set<String>, known: [String], version: String?, values overrides: [String: InputValue]
    ) -> Resolved {
        var result = Resolved(
            chart: Chart(repository: chartRepository, name: chartName, version: chartVersion), values: values,
            prerequisites: prerequisites, objects: objects, outputs: outputs, dependsOn: dependsOn)
        var facts: [String: Value] = ["name": .string(name), "namespace": .string(namespace)]
        for setting in settings.values {
            let value = given[setting.name] ?? setting.defaultValue
            facts[setting.name] = value
            if case .string(let choice) = value, let variant = setting.variants[choice] { result.apply(variant) }
        }
        for other in with.keys.sorted() where enabled.contains(other) {
            if let variant = with[other] { result.apply(variant) }
        }
        if let version { result.chart.version = version }
        result.values = ManifestDecoder.merge(result.values, overrides)
        facts["enabled"] = .map(Dictionary(Set(known).union(enabled).map { ($0, Value.bool(enabled.contains($0))) }) { first, _ in first })
        let fill: (Reference) -> Expression? = { reference in
            guard reference.path.first == "addon", reference.path.count >= 2, var value = facts[reference.path[1]] else { return nil }
            for segment in reference.path.dropFirst(2) {
                guard case .map(let entries) = value else { return nil }
                value = entries[segment] ?? (reference.path[1] == "enabled" ? .bool(false) : .null)
            }
            return .literal(TypedValue(value), reference.location)
        }
        result.values = result.values.mapValues { $0.replacingReferences(fill) }
        result.prerequisites = result.prerequisites.map { $0.replacingReferences(fill) }
        result.objects = result.objects.map { $0.replacingReferences(fill) }
        result.outputs = result.outputs.mapValues { $0.replacingReferences(fill) }
        return result
    }
}

extension AddonEntry.Resolved {
    /// Applies what `variant` changes.
    mutating func apply(_ variant: AddonEntry.Variant) {
        if let chart = variant.chart {
            self.chart = chart
            values = variant.values
        } else {
            values = ManifestDecoder.merge(values, variant.values)
        }
        prerequisites += variant.prerequisites
        objects += variant.objects
        dependsOn += variant.dependsOn.filter { !dependsOn.contains($0) }
        outputs.merge(variant.outputs) { _, new in new }
    }
}
