import Yams

extension ManifestDecoder {
    /// What an `addons` section makes: a unit per enabled catalogue addon, and the inputs of the Terraform `addons` unit
    /// that make their AWS side (IRSA roles, the logging bucket).
    struct DecodedAddons {
        var units: [UnitSpec] = []
        var terraformInputs: [String: InputValue] = [:]
    }

    /// The settings a manifest may give an addon.
    static let addonSettingKeys = ["version", "values"]

    /// Decodes the catalogue addons of an `addons` section: each must be in the catalogue, with known settings, the
    /// sections and addons it needs, and a cluster (one Terrace made, when it needs AWS permissions).
    mutating func decodeAddons(
        _ section: NodeReader.Entry, infrastructure: String, present: Set<BuiltinSection>, hasCluster: Bool, existing: Bool
    ) -> DecodedAddons {
        var result = DecodedAddons()
        guard case .mapping(let mapping) = section.value else { return result }
        let items: [NodeReader.Entry] = mapping.compactMap { key, value in
            guard case .scalar(let scalar) = key, !Self.commonSectionKeys.contains(scalar.string),
                scalar.string != KubernetesUnitKind.argocd.rawValue
            else { return nil }
            return NodeReader.Entry(key: scalar.string, keyLocation: reader.location(of: key), value: value)
        }
        let enabled = Set(items.map(\.key))
        var roles: [String: InputValue] = [:]
        var loggingBucket = false
        for item in items {
            guard let addon = catalogue.entries[item.key] else {
                let known = catalogue.names + [KubernetesUnitKind.argocd.rawValue]
                reader.error(
                    item.keyLocation, "unknown addon `\(item.key)`",
                    hint: Suggestions.closest(to: item.key, in: known).map { "did you mean `\($0)`?" }
                        ?? "the catalogue has: " + known.sorted().joined(separator: ", "))
                continue
            }
            let at = item.keyLocation
            guard hasCluster else {
                reader.error(at, "addon `\(addon.name)` needs a cluster", hint: "add a `kubernetes` section (or `kubernetes: {existing: …}`)")
                continue
            }
            let missing = addon.requires.filter { !present.contains($0) }
            for section in missing {
                reader.error(at, "addon `\(addon.name)` needs a `\(section.rawValue)` section", hint: Self.sectionHint(section))
            }
            for dependency in addon.dependsOn where !enabled.contains(dependency) {
                reader.error(at, "addon `\(addon.name)` needs addon `\(dependency)`", hint: "add `\(dependency): {}` to `addons`")
            }
            if addon.needsRole, infrastructure.count + 1 + addon.name.count > 64 {
                reader.error(
                    at, "addon `\(addon.name)`'s IAM role `\(infrastructure)-\(addon.name)` would be longer than IAM's 64 characters",
                    hint: "use an infrastructure name of at most \(63 - addon.name.count) characters")
            }
            if addon.needsRole || addon.usesLoggingBucket, existing {
                reader.error(
                    at, "addon `\(addon.name)` needs AWS permissions, which only a cluster Terrace makes can give (IRSA)",
                    hint: "on an existing cluster, install it as an app with credentials of your own")
            }
            var version: String?
            var overrides: [String: InputValue] = [:]
            var chosen: [String: Value] = [:]
            switch item.value {
            case .scalar(let scalar) where reader.scalarValue(scalar) == .null:
                break
            default:
                guard let settings = reader.mapping(item.value, "addons.\(addon.name)") else { continue }
                reader.checkKeys(settings, allowed: Self.addonSettingKeys + addon.settings.keys.sorted(), in: "addons.\(addon.name)")
                for setting in settings {
                    switch setting.key {
                    case "version":
                        guard let text = reader.string(setting.value, "addons.\(addon.name).version") else { continue }
                        if Self.isVersion(text) {
                            version = text
                        } else {
                            reader.error(setting.value, "`\(text)` is not a version", hint: "write a chart version such as `\(addon.chartVersion)`")
                        }
                    case "values":
                        guard case .mapping = setting.value else {
                            reader.error(
                                setting.value, "`addons.\(addon.name).values` must be a map of Helm values, got \(reader.describe(setting.value))")
                            continue
                        }
                        if case .map(let given, _) = reader.input(setting.value, "addons.\(addon.name).values") { overrides = given }
                    default:
                        guard let declared = addon.settings[setting.key] else { continue }
                        let what = "addons.\(addon.name).\(setting.key)"
                        guard case .scalar(let scalar) = setting.value else {
                            reader.error(setting.value, "`\(what)` must be a \(declared.kind.rawValue), got \(reader.describe(setting.value))")
                            continue
                        }
                        let value = reader.scalarValue(scalar)
                        if let problem = AddonCatalogue.problem(with: value, for: declared) {
                            let hint = declared.allowed.isEmpty ? declared.description
                                : Suggestions.closest(to: { if case .string(let text) = value { text } else { value.canonicalJSON } }(), in: declared.allowed).map { "did you mean `\($0)`?" }
                                    ?? "allowed: " + declared.allowed.joined(separator: ", ")
                            reader.error(setting.value, "`\(what)` \(problem)", hint: hint)
                        } else {
                            chosen[setting.key] = value
                        }
                    }
                }
            }
            // Without the sections it reads, its values would only add errors about references into the catalogue.
            guard missing.isEmpty else { continue }
            let resolved = addon.resolved(settings: chosen, enabled: enabled, known: catalogue.names, version: version, values: overrides)
            for dependency in resolved.dependsOn where !addon.dependsOn.contains(dependency) && !enabled.contains(dependency) {
                reader.error(at, "addon `\(addon.name)` needs addon `\(dependency)` here", hint: "add `\(dependency): {}` to `addons`")
            }
            var unit = UnitSpec(name: addon.name, kind: .addon, location: at, module: .kubernetes(.app))
            func set(_ input: String, _ value: InputValue) {
                unit.inputs[input] = value
                unit.inputKeyLocations[input] = at
            }
            set("name", .literal(.string(addon.name), at))
            set("namespace", .literal(.string(addon.namespace), at))
            set("timeout_seconds", .literal(.number(Number(Self.defaultAppTimeoutSeconds)), at))
            set("sync_wave", .literal(.number(Number(addon.wave)), at))
            set("chart", .map([
                "repo": .literal(.string(resolved.chart.repository), at), "name": .literal(.string(resolved.chart.name), at),
                "version": .literal(.string(resolved.chart.version), at),
            ], at))
            if !resolved.values.isEmpty { set("values", .map(resolved.values, at)) }
            if !resolved.prerequisites.isEmpty { set("prerequisites", .list(resolved.prerequisites, at)) }
            if !resolved.objects.isEmpty { set("objects", .list(resolved.objects, at)) }
            if !resolved.outputs.isEmpty { set("outputs", .map(resolved.outputs, at)) }
            unit.dependsOn = resolved.dependsOn.filter(enabled.contains).map { Located($0, at: at) }
            result.units.append(appUnit(unit, existing: existing))
            if addon.needsRole, let account = addon.serviceAccount {
                let statements = addon.permissions.map { permission -> InputValue in
                    .map([
                        "actions": .list(permission.actions.map { .literal(.string($0), at) }, at),
                        "resources": .list(permission.resources, at),
                    ], at)
                }
                roles[addon.name] = .map([
                    "namespace": .literal(.string(addon.namespace), at), "service_account": .literal(.string(account), at),
                    "statements": .list(statements, at),
                ], at)
            }
            loggingBucket = loggingBucket || addon.usesLoggingBucket
        }
        Self.orderByWave(&result.units, catalogue: catalogue)
        if !roles.isEmpty, present.contains(.kubernetes) {
            result.terraformInputs["irsa_roles"] = .map(roles, section.keyLocation)
            result.terraformInputs["oidc_provider_arn"] = implied("${kubernetes.oidc_provider_arn}", at: section.keyLocation)
            result.terraformInputs["oidc_issuer_url"] = implied("${kubernetes.oidc_issuer_url}", at: section.keyLocation)
        }
        if loggingBucket { result.terraformInputs["logging_bucket"] = .literal(.bool(true), section.keyLocation) }
        if enabled.contains("keycloak") {
            // The OIDC clients of the realm; their secrets are generated in Secrets Manager by the `addons` unit.
            let clients = ["argocd"] + (enabled.contains("monitoring") ? ["grafana"] : [])
            result.terraformInputs["oidc_clients"] = .list(clients.map { .literal(.string($0), section.keyLocation) }, section.keyLocation)
        }
        return result
    }

    /// Orders addon units by their catalogue waves: each also depends on the enabled addons of the nearest lower wave,
    /// so CRD-heavy controllers (with their issuers and stores) come first, then ingress and DNS, then observability
    /// and Keycloak, each wave once the one before is `Synced` and `Healthy`.
    static func orderByWave(_ units: inout [UnitSpec], catalogue: AddonCatalogue) {
        let waves = Dictionary(grouping: units.indices) { catalogue.entries[units[$0].name]?.wave ?? 0 }
        let order = waves.keys.sorted()
        for (position, wave) in order.enumerated() where position > 0 {
            let earlier = (waves[order[position - 1]] ?? []).map { units[$0].name }
            for index in waves[wave] ?? [] {
                let location = units[index].location
                for name in earlier where !units[index].dependsOn.contains(where: { $0.value == name }) {
                    units[index].dependsOn.append(Located(name, at: location))
                }
            }
        }
    }

    /// `overrides` merged over `base`: maps key by key, anything else replaced.
    static func merge(_ base: [String: InputValue], _ overrides: [String: InputValue]) -> [String: InputValue] {
        var result = base
        for (key, value) in overrides {
            if case .map(let inner, _)? = result[key], case .map(let override, let location) = value {
                result[key] = .map(merge(inner, override), location)
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// `1.2.3`, `v1.19.1`, `0.26.1-rc.1`: a chart version.
    static func isVersion(_ text: String) -> Bool {
        var core = Substring(text)
        if core.hasPrefix("v") { core = core.dropFirst() }
        if let suffix = core.firstIndex(where: { $0 == "-" || $0 == "+" }) {
            let rest = core[core.index(after: suffix)...]
            guard !rest.isEmpty, rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return false }
            core = core[..<suffix]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return (1...3).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// How to add a section an addon needs.
    static func sectionHint(_ section: BuiltinSection) -> String {
        switch section {
        case .domain: "add `domain: {name: dev.example.com}`"
        case .network: "add `network: {cidr: 10.0.0.0/16}`"
        default: "add a `\(section.rawValue)` section"
        }
    }
}
