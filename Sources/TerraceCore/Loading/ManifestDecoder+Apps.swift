import Yams

extension ManifestDecoder {
    /// The keys of an app in a manifest's `apps` list; `terrace.yaml` adds `infrastructures`.
    static let appKeys = ["name", "chart", "source", "values", "namespace", "syncWave", "dependsOn", "spec", "timeout"]
    /// The fields of an Argo CD Application's `spec` that an app's `spec:` may set (v3.5 CRD).
    static let applicationSpecKeys = [
        "destination", "ignoreDifferences", "info", "project", "revisionHistoryLimit", "source", "sourceHydrator", "sources",
        "syncPolicy",
    ]
    /// How long an app waits for `Synced` and `Healthy` unless it sets `timeout`.
    static let defaultAppTimeoutSeconds = 600

    /// Decodes an `apps` list: each app becomes a unit of kind ``UnitSpec/Kind/app`` (without the inputs that depend on
    /// the infrastructure, which ``withClusterInputs(_:cluster:)`` adds). In `terrace.yaml` (`inProject`), an app may
    /// name the `infrastructures` it is limited to.
    mutating func decodeApps(_ node: Node, inProject: Bool) -> [ProjectApp] {
        guard case .sequence(let sequence) = node else {
            reader.error(node, "`apps` must be a list, got \(reader.describe(node))", hint: "write `apps:` then `- name: web` items")
            return []
        }
        var apps: [ProjectApp] = []
        for (index, item) in sequence.enumerated() {
            if let app = decodeApp(item, index: index, inProject: inProject) { apps.append(app) }
        }
        return apps
    }

    private mutating func decodeApp(_ node: Node, index: Int, inProject: Bool) -> ProjectApp? {
        let what = "apps[\(index)]"
        guard let entries = reader.mapping(node, what) else { return nil }
        reader.checkKeys(entries, allowed: Self.appKeys + (inProject ? ["infrastructures"] : []), in: what)
        let byKey = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let location = reader.location(of: node)
        guard let nameEntry = byKey["name"] else {
            reader.error(location, "app \(index + 1) has no `name`", hint: "add `name: web`")
            return nil
        }
        guard let name = reader.string(nameEntry.value, "\(what).name") else { return nil }
        let nameLocation = reader.location(of: nameEntry.value)
        if let problem = NameRules.checkName(name) {
            reader.error(nameLocation, "app name `\(name)` \(problem)")
        } else if NameRules.reservedUnitNames.contains(name) || name == KubernetesUnitKind.argocd.rawValue {
            reader.error(nameLocation, "app name `\(name)` is reserved", hint: "`\(name)` names a unit Terrace makes itself")
        }
        var unit = UnitSpec(name: name, kind: .app, location: nameLocation, module: .kubernetes(.app))
        func set(_ input: String, _ value: InputValue, key: SourceLocation) {
            unit.inputs[input] = value
            unit.inputKeyLocations[input] = key
        }
        set("name", .literal(.string(name), nameLocation), key: nameEntry.keyLocation)
        set("namespace", .literal(.string(name), nameLocation), key: nameEntry.keyLocation)
        set("timeout_seconds", .literal(.number(Number(Self.defaultAppTimeoutSeconds)), nameLocation), key: nameEntry.keyLocation)

        switch (byKey["chart"], byKey["source"]) {
        case (let chart?, let source?):
            let second = chart.keyLocation < source.keyLocation ? source : chart
            reader.error(
                second.keyLocation, "app `\(name)` has both `chart` and `source`",
                hint: "an app is either a Helm chart from a chart repository (`chart`) or a folder of a git repository (`source`)")
        case (let chart?, nil):
            if let value = decodeAppOrigin(chart, app: name, keys: ["repo", "name", "version"], required: ["repo", "name", "version"]) {
                set("chart", value, key: chart.keyLocation)
            }
        case (nil, let source?):
            if let value = decodeAppOrigin(source, app: name, keys: ["repo", "path", "ref"], required: ["repo"]) {
                set("source", value, key: source.keyLocation)
            }
        case (nil, nil):
            reader.error(
                nameLocation, "app `\(name)` has neither `chart` nor `source`",
                hint: "add `chart: {repo, name, version}` or `source: {repo, path, ref}`")
        }
        if let entry = byKey["values"] {
            if case .mapping = entry.value {
                set("values", reader.input(entry.value, "\(name).values"), key: entry.keyLocation)
            } else {
                reader.error(entry.value, "`\(name).values` must be a mapping of Helm values, got \(reader.describe(entry.value))")
            }
        }
        if let entry = byKey["namespace"], let namespace = reader.string(entry.value, "\(name).namespace") {
            if !TemplateParser.containsOpening(namespace), let problem = NameRules.checkName(namespace) {
                reader.error(entry.value, "namespace `\(namespace)` \(problem)")
            }
            set("namespace", reader.input(entry.value, "\(name).namespace"), key: entry.keyLocation)
        }
        if let entry = byKey["syncWave"], let wave = reader.integer(entry.value, "\(name).syncWave", in: -1000...1000) {
            set("sync_wave", .literal(.number(Number(wave)), reader.location(of: entry.value)), key: entry.keyLocation)
        }
        if let entry = byKey["timeout"], let text = reader.string(entry.value, "\(name).timeout") {
            if let seconds = Self.durationSeconds(text), seconds > 0 {
                set("timeout_seconds", .literal(.number(Number(seconds)), reader.location(of: entry.value)), key: entry.keyLocation)
            } else {
                reader.error(entry.value, "timeout `\(text)` is not a duration", hint: "write a duration such as `90s`, `10m` or `1h30m`")
            }
        }
        if let entry = byKey["spec"], let fields = reader.mapping(entry.value, "\(name).spec") {
            reader.checkKeys(fields, allowed: Self.applicationSpecKeys, in: "\(name).spec")
            set("spec", reader.input(entry.value, "\(name).spec"), key: entry.keyLocation)
        }
        if let entry = byKey["dependsOn"], let names = reader.stringList(entry.value, "\(name).dependsOn") {
            unit.dependsOn = names
        }
        var limited: [Located<String>]?
        if let entry = byKey["infrastructures"] {
            limited = reader.stringList(entry.value, "\(name).infrastructures")
        }
        return ProjectApp(unit: unit, infrastructures: limited)
    }

    /// A `chart` or `source` mapping as an input, checking its keys and that its repository URL has a scheme Argo CD
    /// reads.
    private mutating func decodeAppOrigin(_ entry: NodeReader.Entry, app: String, keys: [String], required: [String]) -> InputValue? {
        let what = "\(app).\(entry.key)"
        guard let fields = reader.mapping(entry.value, what) else { return nil }
        reader.checkKeys(fields, allowed: keys, in: what)
        var result: [String: InputValue] = [:]
        for field in fields where keys.contains(field.key) {
            guard reader.string(field.value, "\(what).\(field.key)") != nil else { continue }
            result[field.key] = reader.input(field.value, "\(what).\(field.key)")
        }
        for key in required where result[key] == nil && !fields.contains(where: { $0.key == key }) {
            reader.error(entry.keyLocation, "`\(what)` needs `\(key)`", hint: entry.key == "chart"
                ? "write `chart: {repo: https://charts.example.com, name: NAME, version: 1.2.3}`"
                : "write `source: {repo: https://git.example.com/team/deploy.git, path: apps/web, ref: main}`")
        }
        if let repoField = fields.first(where: { $0.key == "repo" }), case .literal(.string(let repo), _)? = result["repo"] {
            let schemes = entry.key == "chart" ? ["https://", "http://", "oci://"] : ["https://", "http://", "ssh://", "git@", "file://"]
            if !schemes.contains(where: { repo.hasPrefix($0) }) {
                reader.error(repoField.value, "repository `\(repo)` of app `\(app)` has no scheme Argo CD reads",
                    hint: "use " + schemes.map { "`\($0)`" }.joined(separator: ", "))
            }
        }
        return .map(result, reader.location(of: entry.value))
    }

    /// `90s`, `10m`, `1h30m` or a bare number of seconds, as seconds; nil when not a duration.
    static func durationSeconds(_ text: String) -> Int? {
        if let plain = Int(text) { return plain }
        var total = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let amount = Int(digits) else { return nil }
            switch character {
            case "h": total += amount * 3600
            case "m": total += amount * 60
            case "s": total += amount
            default: return nil
            }
            digits = ""
            sawUnit = true
        }
        return digits.isEmpty && sawUnit ? total : nil
    }
}
