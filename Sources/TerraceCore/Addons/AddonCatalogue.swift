import Yams

/// The addons Terrace ships, read from `catalogue/addons.yaml` beside the built-in modules. Entries are data: adding
/// an addon is a new entry, not new code.
public struct AddonCatalogue: Hashable, Sendable {
    /// The file, below the built-in modules folder.
    public static let path = "catalogue/addons.yaml"
    /// How the catalogue's file is named in locations.
    public static let displayFile = "builtin:catalogue/addons.yaml"
    /// The sections an entry may require.
    static let requirableSections: [BuiltinSection] = [.network, .domain]

    /// The entries, by addon name.
    public var entries: [String: AddonEntry]

    /// Creates a catalogue.
    public init(entries: [String: AddonEntry] = [:]) {
        self.entries = entries
    }

    /// The addon names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Reads the catalogue's YAML; problems are diagnostics located in ``displayFile`` (a broken catalogue is Terrace's
    /// bug, reported rather than crashed on).
    public static func decode(_ text: String) -> (AddonCatalogue, [Diagnostic]) {
        var reader = NodeReader(file: displayFile)
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                return (AddonCatalogue(), [.error(SourceLocation(file: displayFile), "the addon catalogue is empty")])
            }
            node = composed
        } catch {
            return (AddonCatalogue(), [.error(SourceLocation(file: displayFile), "the addon catalogue is not valid YAML: \(error)")])
        }
        var catalogue = AddonCatalogue()
        guard let top = reader.mapping(node, "catalogue") else { return (catalogue, reader.diagnostics) }
        reader.checkKeys(top, allowed: ["kind", "addons"], in: "catalogue")
        guard let addons = top.first(where: { $0.key == "addons" }), let entries = reader.mapping(addons.value, "addons") else {
            reader.error(node, "the addon catalogue has no `addons`")
            return (catalogue, reader.diagnostics)
        }
        for entry in entries {
            if let addon = decodeEntry(entry, reader: &reader) { catalogue.entries[addon.name] = addon }
        }
        for addon in catalogue.entries.values {
            let variants = Array(addon.with.values) + addon.settings.values.flatMap { Array($0.variants.values) }
            for dependency in addon.dependsOn + variants.flatMap(\.dependsOn) where catalogue.entries[dependency] == nil {
                reader.error(addon.location, "catalogue addon `\(addon.name)` depends on unknown addon `\(dependency)`")
            }
            for other in addon.with.keys where catalogue.entries[other] == nil {
                reader.error(addon.location, "catalogue addon `\(addon.name)` has `with.\(other)`, not an addon of the catalogue")
            }
        }
        return (catalogue, reader.diagnostics)
    }

    private static func decodeEntry(_ entry: NodeReader.Entry, reader: inout NodeReader) -> AddonEntry? {
        let name = entry.key
        guard let fields = reader.mapping(entry.value, name) else { return nil }
        reader.checkKeys(fields, allowed: [
            "description", "chart", "namespace", "wave", "requires", "dependsOn", "serviceAccount", "permissions", "loggingBucket",
            "values", "settings", "prerequisites", "objects", "outputs", "with",
        ], in: name)
        let byKey = Dictionary(fields.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var addon = AddonEntry(
            name: name, description: "", chartRepository: "", chartName: "", chartVersion: "", namespace: name, wave: 0,
            requires: [], dependsOn: [], serviceAccount: nil, permissions: [], usesLoggingBucket: false, values: [:],
            location: entry.keyLocation)
        if let field = byKey["description"] { addon.description = reader.string(field.value, "\(name).description") ?? "" }
        if let field = byKey["chart"], let chart = reader.mapping(field.value, "\(name).chart") {
            for part in chart {
                let text = reader.string(part.value, "\(name).chart.\(part.key)") ?? ""
                switch part.key {
                case "repo": addon.chartRepository = text
                case "name": addon.chartName = text
                case "version": addon.chartVersion = text
                default: reader.error(part.keyLocation, "unknown key `\(part.key)` in `\(name).chart`")
                }
            }
        }
        if addon.chartRepository.isEmpty || addon.chartName.isEmpty || addon.chartVersion.isEmpty {
            reader.error(entry.keyLocation, "catalogue addon `\(name)` needs `chart: {repo, name, version}`")
        } else if !isChartRepository(addon.chartRepository) {
            reader.error(entry.keyLocation, "catalogue addon `\(name)` has chart repository `\(addon.chartRepository)`, not https:// or oci://")
        }
        if let field = byKey["namespace"] { addon.namespace = reader.string(field.value, "\(name).namespace") ?? name }
        if let field = byKey["wave"] { addon.wave = reader.integer(field.value, "\(name).wave", in: -100...100) ?? 0 }
        if let field = byKey["requires"], let sections = reader.stringList(field.value, "\(name).requires") {
            for section in sections {
                if let known = BuiltinSection(rawValue: section.value), requirableSections.contains(known) {
                    addon.requires.append(known)
                } else {
                    reader.error(section.location, "catalogue addon `\(name)` requires unknown section `\(section.value)`")
                }
            }
        }
        if let field = byKey["dependsOn"] { addon.dependsOn = (reader.stringList(field.value, "\(name).dependsOn") ?? []).map(\.value) }
        if let field = byKey["serviceAccount"] { addon.serviceAccount = reader.string(field.value, "\(name).serviceAccount") }
        if let field = byKey["loggingBucket"] { addon.usesLoggingBucket = reader.bool(field.value, "\(name).loggingBucket") ?? false }
        if let field = byKey["permissions"], case .sequence(let statements) = field.value {
            for (index, statement) in statements.enumerated() {
                let what = "\(name).permissions[\(index)]"
                guard let parts = reader.mapping(statement, what) else { continue }
                reader.checkKeys(parts, allowed: ["actions", "resources"], in: what)
                var permission = Permission(actions: [], resources: [])
                for part in parts {
                    if part.key == "actions" { permission.actions = (reader.stringList(part.value, "\(what).actions") ?? []).map(\.value) }
                    if part.key == "resources", case .sequence(let items) = part.value {
                        permission.resources = items.enumerated().map { reader.input($0.element, "\(what).resources[\($0.offset)]") }
                    }
                }
                if permission.actions.isEmpty || permission.resources.isEmpty {
                    reader.error(reader.location(of: statement), "`\(what)` needs actions and resources")
                }
                addon.permissions.append(permission)
            }
        }
        if addon.needsRole == false, !addon.permissions.isEmpty {
            reader.error(entry.keyLocation, "catalogue addon `\(name)` has permissions but no `serviceAccount` for its role")
        }
        if let field = byKey["values"], case .map(let values, _) = reader.input(field.value, "\(name).values") {
            addon.values = values
        }
        if let field = byKey["settings"] { addon.settings = decodeSettings(field.value, addon: name, reader: &reader) }
        if let field = byKey["prerequisites"] { addon.prerequisites = objectList(field.value, "\(name).prerequisites", reader: &reader) }
        if let field = byKey["objects"] { addon.objects = objectList(field.value, "\(name).objects", reader: &reader) }
        if let field = byKey["outputs"], case .map(let outputs, _) = reader.input(field.value, "\(name).outputs") {
            addon.outputs = outputs
        }
        for other in (byKey["with"].flatMap { reader.mapping($0.value, "\(name).with") } ?? []) {
            addon.with[other.key] = decodeVariant(other.value, "\(name).with.\(other.key)", reader: &reader)
        }
        for reference in unknownAddonReferences(in: addon) {
            reader.error(
                reference.location, "catalogue addon `\(name)` reads `\(reference.text)`, which is neither a setting nor "
                    + addonFacts.map { "`addon.\($0)`" }.joined(separator: ", "))
        }
        return addon
    }

    /// An entry's IAM statement.
    public typealias Permission = AddonEntry.Permission

    /// Whether `repository` is a Helm repository Argo CD reads (`https://` or `oci://`).
    public static func isChartRepository(_ repository: String) -> Bool {
        repository.hasPrefix("https://") || repository.hasPrefix("oci://")
    }
}
