import Yams

extension AddonCatalogue {
    /// What an entry's templates may read under `addon.`: its settings, and these.
    static let addonFacts = ["name", "namespace", "enabled"]

    /// Decodes an entry's `settings`: each with a `type`, an optional `default`, `allowed` values and their
    /// `variants`, and a `description`.
    static func decodeSettings(_ node: Node, addon: String, reader: inout NodeReader) -> [String: AddonEntry.Setting] {
        var result: [String: AddonEntry.Setting] = [:]
        guard let entries = reader.mapping(node, "\(addon).settings") else { return result }
        for entry in entries {
            let what = "\(addon).settings.\(entry.key)"
            guard let fields = reader.mapping(entry.value, what) else { continue }
            reader.checkKeys(fields, allowed: ["type", "default", "allowed", "variants", "description"], in: what)
            var setting = AddonEntry.Setting(
                name: entry.key, kind: .string, defaultValue: .null, allowed: [], variants: [:], description: "")
            for field in fields {
                switch field.key {
                case "type":
                    guard let text = reader.string(field.value, "\(what).type") else { continue }
                    if let kind = AddonEntry.Setting.Kind(rawValue: text) {
                        setting.kind = kind
                    } else {
                        reader.error(field.value, "`\(what).type` must be string, bool or number")
                    }
                case "default":
                    if case .scalar(let scalar) = field.value { setting.defaultValue = reader.scalarValue(scalar) }
                case "allowed":
                    setting.allowed = (reader.stringList(field.value, "\(what).allowed") ?? []).map(\.value)
                case "description":
                    setting.description = reader.string(field.value, "\(what).description") ?? ""
                case "variants":
                    for variant in reader.mapping(field.value, "\(what).variants") ?? [] {
                        setting.variants[variant.key] = decodeVariant(variant.value, "\(what).variants.\(variant.key)", reader: &reader)
                    }
                default:
                    break
                }
            }
            for value in setting.variants.keys where !setting.allowed.contains(value) {
                reader.error(entry.keyLocation, "catalogue setting `\(what)` has a variant for `\(value)`, which is not allowed")
            }
            if setting.defaultValue != .null, let problem = problem(with: setting.defaultValue, for: setting) {
                reader.error(entry.keyLocation, "catalogue setting `\(what)` has a default that \(problem)")
            }
            result[entry.key] = setting
        }
        return result
    }

    /// Decodes what a variant (`with.ADDON`, a setting's `variants.VALUE`) changes.
    static func decodeVariant(_ node: Node, _ what: String, reader: inout NodeReader) -> AddonEntry.Variant {
        var variant = AddonEntry.Variant()
        guard let fields = reader.mapping(node, what) else { return variant }
        reader.checkKeys(fields, allowed: ["chart", "values", "prerequisites", "objects", "dependsOn", "outputs"], in: what)
        for field in fields {
            switch field.key {
            case "chart":
                var parts: [String: String] = [:]
                for part in reader.mapping(field.value, "\(what).chart") ?? [] {
                    parts[part.key] = reader.string(part.value, "\(what).chart.\(part.key)")
                }
                if let repository = parts["repo"], let name = parts["name"], let version = parts["version"], parts.count == 3,
                    isChartRepository(repository)
                {
                    variant.chart = AddonEntry.Chart(repository: repository, name: name, version: version)
                } else {
                    reader.error(field.value, "`\(what).chart` needs `{repo, name, version}`, its repo https:// or oci://")
                }
            case "values":
                if case .map(let values, _) = reader.input(field.value, "\(what).values") { variant.values = values }
            case "prerequisites":
                variant.prerequisites = objectList(field.value, "\(what).prerequisites", reader: &reader)
            case "objects":
                variant.objects = objectList(field.value, "\(what).objects", reader: &reader)
            case "dependsOn":
                variant.dependsOn = (reader.stringList(field.value, "\(what).dependsOn") ?? []).map(\.value)
            case "outputs":
                if case .map(let outputs, _) = reader.input(field.value, "\(what).outputs") { variant.outputs = outputs }
            default:
                break
            }
        }
        return variant
    }

    /// A list of Kubernetes objects (maps with `apiVersion`, `kind` and `metadata.name`).
    static func objectList(_ node: Node, _ what: String, reader: inout NodeReader) -> [InputValue] {
        guard case .sequence(let items) = node else {
            reader.error(node, "`\(what)` must be a list of Kubernetes objects")
            return []
        }
        return items.enumerated().compactMap { index, item in
            let value = reader.input(item, "\(what)[\(index)]")
            guard case .map(let fields, _) = value, fields["apiVersion"] != nil, fields["kind"] != nil,
                case .map(let metadata, _)? = fields["metadata"], metadata["name"] != nil
            else {
                reader.error(item, "`\(what)[\(index)]` must be a Kubernetes object with apiVersion, kind and metadata.name")
                return nil
            }
            return value
        }
    }

    /// Why `value` does not fit `setting`, or nil when it does.
    public static func problem(with value: Value, for setting: AddonEntry.Setting) -> String? {
        switch (setting.kind, value) {
        case (.string, .string(let text)):
            guard setting.allowed.isEmpty || setting.allowed.contains(text) else {
                return "is not one of " + setting.allowed.map { "`\($0)`" }.joined(separator: ", ")
            }
            return nil
        case (.bool, .bool), (.number, .number):
            return nil
        default:
            return "is not a \(setting.kind.rawValue)"
        }
    }

    /// The `addon.X` references of `addon`'s templates that name neither a setting nor a fact.
    static func unknownAddonReferences(in addon: AddonEntry) -> [Reference] {
        var values: [InputValue] = Array(addon.values.values) + addon.prerequisites + addon.objects + Array(addon.outputs.values)
        for variant in Array(addon.with.values) + addon.settings.values.flatMap({ Array($0.variants.values) }) {
            values += Array(variant.values.values) + variant.prerequisites + variant.objects + Array(variant.outputs.values)
        }
        return values.flatMap(\.references).filter { reference in
            reference.path.first == "addon"
                && (reference.path.count < 2 || !(addon.settings[reference.path[1]] != nil || addonFacts.contains(reference.path[1])))
        }
    }
}
