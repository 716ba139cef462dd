import Yams

extension ManifestDecoder {
    /// The keys every built-in section accepts besides its own settings.
    static let commonSectionKeys = ["module", "inputs", "dependsOn", "timeout"]

    /// Decodes a `kind: Infrastructure` document. A document with problems still yields what could be
    /// decoded (so that its units are validated too), with `isComplete` false.
    mutating func decodeInfrastructure(_ node: Node, project: Project) -> DecodedInfrastructure? {
        guard let entries = reader.mapping(node, "Infrastructure") else { return nil }
        let before = reader.diagnostics.count
        reader.checkKeys(entries, allowed: Self.infrastructureKeys, in: "Infrastructure")
        let byKey = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let documentLocation = reader.location(of: node)

        var name = ""
        if let entry = byKey["name"] {
            if let text = reader.string(entry.value, "name") {
                if let problem = NameRules.checkName(text) {
                    reader.error(entry.value, "infrastructure name `\(text)` \(problem)")
                }
                name = text
            }
        } else {
            reader.error(documentLocation, "infrastructure has no `name`", hint: "add `name: my-infra`")
        }
        let vars = byKey["vars"].map { decodeVars($0.value, "vars") } ?? [:]
        var correctDrift = false
        if let entry = byKey["drift"], let mode = reader.string(entry.value, "drift") {
            switch mode {
            case "correct": correctDrift = true
            case "report": correctDrift = false
            default: reader.error(entry.value, "unknown drift mode `\(mode)`", hint: "use `report` or `correct`")
            }
        }
        var approval = ApprovalPolicy.auto
        if let entry = byKey["approval"], let mode = reader.string(entry.value, "approval") {
            if let policy = ApprovalPolicy(rawValue: mode) {
                approval = policy
            } else {
                reader.error(
                    entry.value, "unknown approval mode `\(mode)`",
                    hint: "use `auto` (apply at once), `manual` (every change waits) or `destroy` (plans that delete something wait)")
            }
        }
        var cloud = CloudSettings(region: "")
        if let entry = byKey["cloud"] {
            cloud = decodeCloud(entry.value) ?? cloud
        } else {
            reader.error(documentLocation, "infrastructure `\(name)` has no `cloud` section", hint: "add `cloud: {provider: aws, region: eu-west-1}`")
        }

        // A templated `module:` may reference the infrastructure's name, region and variables, and the project's.
        let scope = Self.moduleScope(name: name, vars: vars, cloud: cloud, project: project, file: reader.file)
        var units: [UnitSpec] = []
        var bucket = Self.defaultBucket(project: project.name, infrastructure: name)
        // `kubernetes: {existing: …}` names a cluster Terrace does not create: no `kubernetes` unit.
        var existingCluster: ExistingCluster?
        if let entry = byKey["kubernetes"], case .mapping(let mapping) = entry.value,
            mapping.keys.contains(where: { $0.string == "existing" }),
            let fields = reader.mapping(entry.value, "kubernetes"),
            let existing = fields.first(where: { $0.key == "existing" })
        {
            existingCluster = decodeExistingCluster(existing, others: fields)
        }
        // `addons: {argocd: …}` alone is the `argocd` unit's: no Terraform `addons` unit.
        var onlyArgoCD = false
        if let entry = byKey["addons"], case .mapping(let mapping) = entry.value {
            let keys = mapping.keys.map(\.string)
            onlyArgoCD = !keys.isEmpty && keys.allSatisfy { $0 == KubernetesUnitKind.argocd.rawValue }
        }
        let present = Set(BuiltinSection.allCases.filter { byKey[$0.rawValue] != nil })
            .subtracting(byKey["kubernetes"] != nil && existingCluster != nil ? [.kubernetes] : [])
            .subtracting(onlyArgoCD ? [.addons] : [])
        var incomplete = Set<String>()
        for section in BuiltinSection.allCases {
            guard let entry = byKey[section.rawValue], present.contains(section) else { continue }
            let errorsBefore = reader.diagnostics.count
            if let unit = decodeSection(section, entry: entry, present: present, cloud: cloud, scope: scope, bucket: &bucket) {
                units.append(unit)
            }
            if reader.diagnostics.count != errorsBefore { incomplete.insert(section.rawValue) }
        }
        if let entry = byKey["units"] {
            units += decodeUnits(entry.value, present: present, scope: scope)
        }
        let hasCluster = present.contains(.kubernetes) || existingCluster != nil
        let addonsEntries = byKey["addons"].flatMap { entry -> [NodeReader.Entry]? in
            guard case .mapping(let mapping) = entry.value else { return nil }
            return mapping.compactMap { key, value in
                guard case .scalar(let scalar) = key, !Self.commonSectionKeys.contains(scalar.string) else { return nil }
                return NodeReader.Entry(key: scalar.string, keyLocation: reader.location(of: key), value: value)
            }
        } ?? []
        let argocdEntry = addonsEntries.first { $0.key == KubernetesUnitKind.argocd.rawValue }
        if hasCluster {
            let clusterLocation = existingCluster?.location ?? byKey["kubernetes"]?.keyLocation ?? documentLocation
            let settings = decodeArgoCD(argocdEntry, defaultLocation: clusterLocation)
            units.append(argoCDUnit(
                settings, addons: addonsEntries.map(\.key), present: present, cloud: cloud, existing: existingCluster != nil,
                infrastructure: name))
        } else if let argocdEntry {
            reader.error(argocdEntry.keyLocation, "`addons.argocd` needs a cluster", hint: "add a `kubernetes` section (or `kubernetes: {existing: …}`)")
        }
        var apps: [ProjectApp] = []
        if let entry = byKey["apps"] {
            apps = decodeApps(entry.value, inProject: false)
            if !hasCluster, !apps.isEmpty {
                reader.error(entry.keyLocation, "`apps` need a cluster", hint: "add a `kubernetes` section (or `kubernetes: {existing: …}`)")
            }
        }
        if let entry = byKey["addons"] {
            let decoded = decodeAddons(
                entry, infrastructure: name, present: present, hasCluster: hasCluster, existing: existingCluster != nil)
            units += decoded.units
            if let index = units.firstIndex(where: { $0.kind == .builtin(.addons) }) {
                for (input, value) in decoded.terraformInputs {
                    units[index].inputs[input] = value
                    units[index].inputKeyLocations[input] = entry.keyLocation
                }
                // The roles' ARNs go to Argo CD's cluster Secret (`terrace.dev/<addon>-role-arn`) for ApplicationSets.
                if decoded.terraformInputs["irsa_roles"] != nil, let argocd = units.firstIndex(where: { $0.kind == .argocd }) {
                    units[argocd].inputs["role_arns"] = implied("${addons.role_arns}", at: entry.keyLocation)
                    units[argocd].inputKeyLocations["role_arns"] = entry.keyLocation
                }
            }
        }
        if hasCluster {
            let common = project.apps.filter { $0.applies(to: name) && !apps.map(\.unit.name).contains($0.unit.name) }
            // The team's apps come after the platform's addons.
            let addons = units.filter { $0.kind == .addon }.map(\.name)
            units += (common + apps).map { app in
                var unit = app.unit
                for addon in addons where !unit.dependsOn.contains(where: { $0.value == addon }) {
                    unit.dependsOn.append(Located(addon, at: unit.location))
                }
                return appUnit(unit, existing: existingCluster != nil)
            }
        }
        checkUniqueUnitNames(units)

        guard !name.isEmpty else { return nil }
        let infrastructure = Infrastructure(
            name: name, file: reader.file, location: documentLocation, vars: vars, cloud: cloud,
            backend: BackendSettings(bucket: bucket), correctDrift: correctDrift, approval: approval, existingCluster: existingCluster, units: units)
        return DecodedInfrastructure(
            infrastructure: infrastructure, isComplete: reader.diagnostics.count == before, incompleteUnits: incomplete)
    }

    /// The state bucket used when a manifest has no `backend` section.
    static func defaultBucket(project: String, infrastructure: String) -> String {
        String("\(project)-\(infrastructure)-tfstate".prefix(63))
    }

    private mutating func decodeCloud(_ node: Node) -> CloudSettings? {
        guard let entries = reader.mapping(node, "cloud") else { return nil }
        reader.checkKeys(entries, allowed: ["provider", "region", "endpoint"], in: "cloud")
        var cloud = CloudSettings(region: "")
        var hasRegion = false
        for entry in entries {
            switch entry.key {
            case "provider":
                guard let provider = reader.string(entry.value, "cloud.provider") else { continue }
                if provider != "aws" {
                    reader.error(entry.value, "unsupported cloud provider `\(provider)`", hint: "supported: aws")
                }
                cloud.provider = provider
            case "region":
                guard let region = reader.string(entry.value, "cloud.region") else { continue }
                hasRegion = true
                if let problem = NameRules.checkRegion(region) {
                    reader.error(entry.value, "region `\(region)` \(problem)")
                }
                cloud.region = region
            case "endpoint":
                guard let endpoint = reader.string(entry.value, "cloud.endpoint") else { continue }
                if let problem = NameRules.checkEndpoint(endpoint) {
                    reader.error(entry.value, "endpoint `\(endpoint)` \(problem)")
                }
                cloud.endpoint = endpoint
            default: break
            }
        }
        if !hasRegion {
            reader.error(reader.location(of: node), "`cloud` needs a `region`", hint: "add `region: eu-west-1`")
        }
        return cloud
    }

    /// Decodes one built-in section into its unit, mapping the section's settings onto the module's inputs.
    private mutating func decodeSection(
        _ section: BuiltinSection, entry: NodeReader.Entry, present: Set<BuiltinSection>, cloud: CloudSettings,
        scope: InputRenderer, bucket: inout String
    ) -> UnitSpec? {
        let what = section.rawValue
        guard let entries = reader.mapping(entry.value, what) else { return nil }
        let sectionLocation = entry.keyLocation
        var unit = UnitSpec(
            name: what, kind: .builtin(section), location: sectionLocation,
            module: .builtin(section.modulePath(provider: cloud.provider)))
        var settings: [String: NodeReader.Entry] = [:]
        for item in entries { settings[item.key] = item }

        let allowed = Self.sectionKeys(section)
        if section != .addons { reader.checkKeys(entries, allowed: allowed + Self.commonSectionKeys, in: what) }

        func set(_ name: String, _ value: InputValue, key: SourceLocation) {
            unit.inputs[name] = value
            unit.inputKeyLocations[name] = key
        }
        let infraName = implied("${infra.name}", at: sectionLocation)

        switch section {
        case .backend:
            set("name", infraName, key: sectionLocation)
            if cloud.endpoint?.hasPrefix("http://") == true {
                // A TLS-only bucket policy cannot be satisfied over plain HTTP: it would lock everyone out.
                set("enforce_tls", .literal(.bool(false), sectionLocation), key: sectionLocation)
            }
            if let item = settings["bucket"], let text = reader.string(item.value, "backend.bucket") {
                if let problem = NameRules.checkBucketName(text) {
                    reader.error(item.value, "bucket name `\(text)` \(problem)")
                }
                bucket = text
                set("bucket", .literal(.string(text), reader.location(of: item.value)), key: item.keyLocation)
            } else if settings["bucket"] == nil {
                reader.error(sectionLocation, "`backend` needs a `bucket`", hint: "add `bucket: my-infra-tfstate`")
            }
        case .network:
            set("name", infraName, key: sectionLocation)
            if let item = settings["cidr"] {
                if let text = reader.string(item.value, "network.cidr") {
                    switch IPv4CIDR.parse(text) {
                    case .success(let cidr) where cidr.prefixLength > 24:
                        reader.error(item.value, "network CIDR `\(text)` is too small for subnets", hint: "use a prefix of /24 or larger, like /16")
                    case .success: break
                    case .failure(let failure): reader.error(item.value, "invalid CIDR: \(failure.message)")
                    }
                    set("cidr", .literal(.string(text), reader.location(of: item.value)), key: item.keyLocation)
                }
            } else {
                reader.error(sectionLocation, "`network` needs a `cidr`", hint: "add `cidr: 10.0.0.0/16`")
            }
            if let item = settings["zones"], let zones = reader.integer(item.value, "network.zones", in: 1...6) {
                set("zones", .literal(.number(Number(zones)), reader.location(of: item.value)), key: item.keyLocation)
            }
        case .domain:
            if let item = settings["name"] {
                if let text = reader.string(item.value, "domain.name") {
                    if let problem = NameRules.checkDomainName(text) {
                        reader.error(item.value, "domain name `\(text)` \(problem)")
                    }
                    set("domain_name", .literal(.string(text), reader.location(of: item.value)), key: item.keyLocation)
                    if let parentItem = settings["parent"], let parent = reader.string(parentItem.value, "domain.parent") {
                        if let problem = NameRules.checkDomainName(parent) {
                            reader.error(parentItem.value, "parent domain `\(parent)` \(problem)")
                        } else if !text.hasSuffix("." + parent) {
                            reader.error(
                                parentItem.value, "domain `\(text)` is not inside its parent `\(parent)`",
                                hint: "the domain must end with `.\(parent)`")
                        }
                        set("parent_domain", .literal(.string(parent), reader.location(of: parentItem.value)), key: parentItem.keyLocation)
                    }
                }
            } else {
                reader.error(sectionLocation, "`domain` needs a `name`", hint: "add `name: dev.example.com`")
            }
        case .kubernetes:
            set("cluster_name", infraName, key: sectionLocation)
            if let item = settings["version"] {
                if case .scalar(let scalar) = item.value, case .number = reader.scalarValue(scalar) {
                    reader.error(
                        item.value, "kubernetes version must be a quoted string",
                        hint: "write `version: \"\(scalar.string)\"`; unquoted, 1.30 would be read as the number 1.3")
                } else if let text = reader.string(item.value, "kubernetes.version") {
                    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                    if parts.count != 2 || !parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
                        reader.error(item.value, "kubernetes version `\(text)` is not of the form `1.31`")
                    }
                    set("kubernetes_version", .literal(.string(text), reader.location(of: item.value)), key: item.keyLocation)
                }
            }
            if let item = settings["nodes"] { decodeNodes(item, into: &unit) }
            if present.contains(.network) {
                set("vpc_id", implied("${network.vpc_id}", at: sectionLocation), key: sectionLocation)
                set("subnet_ids", implied("${network.private_subnet_ids}", at: sectionLocation), key: sectionLocation)
            }
            if present.contains(.backend) {
                set("kms_key_arn", implied("${backend.kms_key_arn}", at: sectionLocation), key: sectionLocation)
            }
        case .addons:
            set("name", infraName, key: sectionLocation)
            // The enabled addons by name; their settings are their units' (`decodeAddons`), and `argocd` is the `argocd`
            // unit's, so changing an addon's values runs no Terraform.
            var addons: [String: InputValue] = [:]
            for item in entries where !Self.commonSectionKeys.contains(item.key) && item.key != KubernetesUnitKind.argocd.rawValue {
                addons[item.key] = .literal(.map([:]), item.keyLocation)
            }
            set("addons", .map(addons, sectionLocation), key: sectionLocation)
            if present.contains(.kubernetes) {
                set("cluster_name", implied("${kubernetes.cluster_name}", at: sectionLocation), key: sectionLocation)
            }
            if present.contains(.backend) {
                set("kms_key_arn", implied("${backend.kms_key_arn}", at: sectionLocation), key: sectionLocation)
            }
        }

        if let item = settings["module"] {
            let decoded = decodeUnitModule(item.value, "\(what).module", scope: scope)
            if let source = decoded.source {
                unit.module = source
                unit.moduleLocation = reader.location(of: item.value)
            }
            unit.moduleTemplate = decoded.template
        }
        if let item = settings["timeout"] {
            unit.timeout = decodeTimeout(item.value, "\(what).timeout")
        }
        if let item = settings["dependsOn"], let names = reader.stringList(item.value, "\(what).dependsOn") {
            unit.dependsOn += names
        }
        if let item = settings["inputs"], let inputs = reader.mapping(item.value, "\(what).inputs") {
            for input in inputs {
                unit.inputs[input.key] = reader.input(input.value, "\(what).inputs.\(input.key)")
                unit.inputKeyLocations[input.key] = input.keyLocation
            }
        }
        // No implied edges between built-in sections: `kubernetes` and `addons` wait for `backend` through their
        // `kms_key_arn` input, and `network` and `domain` need nothing from it, so they start at once.
        return unit
    }

    /// The settings keys of each built-in section.
    static func sectionKeys(_ section: BuiltinSection) -> [String] {
        switch section {
        case .backend: ["bucket"]
        case .network: ["cidr", "zones"]
        case .domain: ["name", "parent"]
        case .kubernetes: ["version", "nodes"]
        case .addons: []
        }
    }

    private mutating func decodeNodes(_ item: NodeReader.Entry, into unit: inout UnitSpec) {
        guard let entries = reader.mapping(item.value, "kubernetes.nodes") else { return }
        reader.checkKeys(entries, allowed: ["instanceType", "min", "max", "desired"], in: "kubernetes.nodes")
        var minimum: (Int, Node)?
        var maximum: (Int, Node)?
        for entry in entries {
            let location = reader.location(of: entry.value)
            switch entry.key {
            case "instanceType":
                if let text = reader.string(entry.value, "kubernetes.nodes.instanceType") {
                    if !text.contains(".") {
                        reader.error(entry.value, "instance type `\(text)` is not of the form `t3.medium`")
                    }
                    unit.inputs["node_instance_type"] = .literal(.string(text), location)
                    unit.inputKeyLocations["node_instance_type"] = entry.keyLocation
                }
            case "min", "max", "desired":
                guard let count = reader.integer(entry.value, "kubernetes.nodes.\(entry.key)", in: 0...1000) else { continue }
                let variable = ["min": "node_min_size", "max": "node_max_size", "desired": "node_desired_size"][entry.key] ?? entry.key
                unit.inputs[variable] = .literal(.number(Number(count)), location)
                unit.inputKeyLocations[variable] = entry.keyLocation
                if entry.key == "min" { minimum = (count, entry.value) }
                if entry.key == "max" { maximum = (count, entry.value) }
            default: break
            }
        }
        if let minimum, let maximum, minimum.0 > maximum.0 {
            reader.error(maximum.1, "`nodes.max` (\(maximum.0)) is smaller than `nodes.min` (\(minimum.0))")
        }
    }

    /// Decodes the `units` list.
    private mutating func decodeUnits(_ node: Node, present: Set<BuiltinSection>, scope: InputRenderer) -> [UnitSpec] {
        guard case .sequence(let sequence) = node else {
            reader.error(node, "`units` must be a list, got \(reader.describe(node))")
            return []
        }
        var units: [UnitSpec] = []
        for (index, item) in sequence.enumerated() {
            let what = "units[\(index)]"
            guard let entries = reader.mapping(item, what) else { continue }
            reader.checkKeys(entries, allowed: ["name", "module", "dependsOn", "inputs", "timeout"], in: what)
            let byKey = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            let location = reader.location(of: item)
            guard let nameEntry = byKey["name"], let name = reader.string(nameEntry.value, "\(what).name") else {
                if byKey["name"] == nil { reader.error(location, "unit \(index + 1) has no `name`") }
                continue
            }
            let nameLocation = reader.location(of: nameEntry.value)
            if let problem = NameRules.checkName(name) {
                reader.error(nameLocation, "unit name `\(name)` \(problem)")
            } else if NameRules.reservedUnitNames.contains(name) {
                reader.error(
                    nameLocation, "unit name `\(name)` is reserved",
                    hint: BuiltinSection(rawValue: name) != nil
                        ? "`\(name)` is a built-in section; configure it at the top level of the manifest"
                        : "`\(name)` starts references to the manifest itself")
            }
            var source: ModuleSource?
            var moduleTemplate: String?
            var moduleLocation = location
            if let moduleEntry = byKey["module"] {
                (source, moduleTemplate) = decodeUnitModule(moduleEntry.value, "\(name).module", scope: scope)
                moduleLocation = reader.location(of: moduleEntry.value)
            } else {
                reader.error(nameLocation, "unit `\(name)` has no `module`", hint: "add `module: ./modules/\(name)`")
            }
            var unit = UnitSpec(
                name: name, kind: .custom, location: nameLocation, module: source ?? .local(""),
                moduleLocation: moduleLocation)
            unit.moduleTemplate = moduleTemplate
            if let entry = byKey["timeout"] {
                unit.timeout = decodeTimeout(entry.value, "\(name).timeout")
            }
            if let entry = byKey["dependsOn"], let names = reader.stringList(entry.value, "\(name).dependsOn") {
                unit.dependsOn = names
            }
            if let entry = byKey["inputs"], let inputs = reader.mapping(entry.value, "\(name).inputs") {
                for input in inputs {
                    unit.inputs[input.key] = reader.input(input.value, "\(name).inputs.\(input.key)")
                    unit.inputKeyLocations[input.key] = input.keyLocation
                }
            }
            // A custom unit's state may hold secrets, so it is first written once `backend` has put the bucket under
            // the infrastructure's KMS key and TLS-only policy.
            if present.contains(.backend), !unit.dependsOn.contains(where: { $0.value == "backend" }) {
                unit.dependsOn.append(Located("backend", at: nameLocation))
            }
            units.append(unit)
        }
        return units
    }

    private mutating func checkUniqueUnitNames(_ units: [UnitSpec]) {
        var seen: [String: SourceLocation] = [:]
        for unit in units {
            if let first = seen[unit.name] {
                reader.error(unit.location, "duplicate unit name `\(unit.name)`", hint: "first declared at \(first)")
            } else {
                seen[unit.name] = unit.location
            }
        }
    }
}
