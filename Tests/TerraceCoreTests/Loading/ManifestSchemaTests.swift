import Foundation
import Testing

@testable import TerraceCore
import TerraceTestSupport

/// The JSON Schema of the manifests follows the decoder: the same keys at every level, the catalogue's addons with
/// their settings, and JSON that reads back as the same value. (Tests/TerraceCLITests/SchemaCommandTests.swift checks
/// manifests against it with a real JSON Schema validator.)
@Suite("The manifests' JSON Schema")
struct ManifestSchemaTests {
    static let catalogue: AddonCatalogue = {
        let text = TestRepo.builtinFiles["\(TestRepo.builtin)/\(AddonCatalogue.path)"] ?? ""
        return AddonCatalogue.decode(text).0
    }()

    static let schema = ManifestSchema.schema(catalogue: catalogue)

    static func definition(_ name: String) -> Value? {
        schema["$defs"]?[name]
    }

    static func keys(_ object: Value?) -> Set<String> {
        guard case .map(let properties)? = object?["properties"] else { return [] }
        return Set(properties.keys)
    }

    @Test("the root is draft 2020-12 and tells the kinds apart by `kind`")
    func root() throws {
        #expect(Self.schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        let branches = try #require(Self.schema["allOf"]?.listValue)
        #expect(branches.map { $0["if"]?["properties"]?["kind"]?["const"] } == ["Project", "Infrastructure"])
        #expect(branches.map { $0["then"]?["$ref"] } == ["#/$defs/Project", "#/$defs/Infrastructure"])
        #expect(Self.schema["required"] == .list(["kind"]))
        #expect(Self.definition("Project")?["properties"]?["kind"] == ["const": "Project"])
        #expect(Self.definition("Infrastructure")?["properties"]?["kind"] == ["const": "Infrastructure"])
        #expect(Self.definition("Infrastructure")?["required"] == .list(["kind", "name", "cloud"]))

        let project = ManifestSchema.schema(catalogue: Self.catalogue, kind: .project)
        #expect(project["$ref"]?.stringValue == "#/$defs/Project")
        #expect(project["allOf"] == nil)
        #expect(project["$defs"] == Self.schema["$defs"])
    }

    @Test("every `$ref` names a definition")
    func references() {
        var missing: [String] = []
        func walk(_ value: Value) {
            switch value {
            case .map(let entries):
                if let target = entries["$ref"]?.stringValue {
                    let name = target.hasPrefix("#/$defs/") ? String(target.dropFirst("#/$defs/".count)) : target
                    if Self.definition(name) == nil { missing.append(target) }
                }
                entries.values.forEach(walk)
            case .list(let items): items.forEach(walk)
            default: break
            }
        }
        walk(Self.schema)
        #expect(missing.isEmpty, "\(missing)")
    }

    @Test("the schema's keys are the decoder's, at every level")
    func keysFollowTheDecoder() throws {
        // `apiVersion` is read before the kind's own keys.
        #expect(Self.keys(Self.definition("Project")) == Set(ManifestDecoder.projectKeys).union(["apiVersion"]))
        #expect(Self.keys(Self.definition("Infrastructure")) == Set(ManifestDecoder.infrastructureKeys).union(["apiVersion"]))
        for section in BuiltinSection.allCases where section != .addons && section != .kubernetes {
            #expect(
                Self.keys(Self.definition(section.rawValue)) == Set(ManifestDecoder.sectionKeys(section) + ManifestDecoder.commonSectionKeys),
                "section \(section.rawValue)")
        }
        let managed = Self.definition("kubernetes")?["else"]
        let existing = Self.definition("kubernetes")?["then"]
        #expect(Self.keys(managed) == Set(ManifestDecoder.sectionKeys(.kubernetes) + ManifestDecoder.commonSectionKeys))
        #expect(Self.keys(existing) == ["existing", "dependsOn"])
        #expect(Self.keys(existing?["properties"]?["existing"]) == ["kubeconfig", "context"])
        #expect(Self.keys(Self.definition("app")) == Set(ManifestDecoder.appKeys))
        #expect(Self.keys(Self.definition("projectApp")) == Set(ManifestDecoder.appKeys + ["infrastructures"]))
        #expect(Self.keys(managed?["properties"]?["nodes"]) == [
            "instanceType", "min", "max", "desired",
        ])
        #expect(Self.definition("app")?["properties"]?["spec"]?["propertyNames"]?["enum"]
            == .list(ManifestDecoder.applicationSpecKeys.map { .string($0) }))
        // Every common key of the sections has a schema of its own.
        for (key, schema) in ManifestSchema.commonSectionProperties { #expect(schema != [:], "`\(key)` has no schema") }
        // Unknown keys are refused everywhere the decoder refuses them.
        for name in ["Project", "Infrastructure", "backend", "network", "domain", "cloud", "unit", "app", "projectApp", "addons", "argocd"] {
            #expect(Self.definition(name)?["additionalProperties"] == .bool(false), "\(name) allows unknown keys")
        }
    }

    @Test("every catalogue addon is a key of `addons`, with `version`, `values` and its own settings")
    func addons() throws {
        #expect(!Self.catalogue.entries.isEmpty)
        let addons = try #require(Self.definition("addons"))
        #expect(Self.keys(addons) == Set(Self.catalogue.names + ["argocd"] + ManifestDecoder.commonSectionKeys))
        for entry in Self.catalogue.entries.values {
            let schema = addons["properties"]?[entry.name]
            #expect(Self.keys(schema) == Set(ManifestDecoder.addonSettingKeys + entry.settings.keys), "\(entry.name)")
            for setting in entry.settings.values where !setting.allowed.isEmpty {
                #expect(schema?["properties"]?[setting.name]?["enum"] == .list(setting.allowed.map { .string($0) }))
            }
        }
        // Without a catalogue, only Argo CD and the Terraform unit's keys are left.
        let bare = ManifestSchema.schema(catalogue: AddonCatalogue())
        #expect(Self.keys(bare["$defs"]?["addons"]) == Set(["argocd"] + ManifestDecoder.commonSectionKeys))
    }

    @Test("the enumerations are the model's")
    func enumerations() {
        let infrastructure = Self.definition("Infrastructure")?["properties"]
        #expect(infrastructure?["approval"]?["enum"] == .list(ApprovalPolicy.allCases.map { .string($0.rawValue) }))
        #expect(infrastructure?["drift"]?["enum"] == .list(["report", "correct"]))
        #expect(Self.definition("Project")?["properties"]?["apiVersion"]?["enum"] == .list(["terrace.dev/v1alpha1"]))
        let reserved = Self.definition("unit")?["properties"]?["name"]?["not"]?["enum"]?.listValue?.compactMap(\.stringValue)
        #expect(Set(reserved ?? []) == NameRules.reservedUnitNames)
    }

    @Test("the printed text is indented JSON that reads back as the schema")
    func text() throws {
        let text = ManifestSchema.text(catalogue: Self.catalogue)
        #expect(text.hasPrefix("{\n  \"$defs\": {\n"))
        #expect(text.hasSuffix("}\n"))
        let parsed = try #require(Value.parseJSON(Array(text.utf8)))
        #expect(parsed == Self.schema)
        let infrastructure = try #require(Value.parseJSON(Array(ManifestSchema.text(catalogue: Self.catalogue, kind: .infrastructure).utf8)))
        #expect(infrastructure["$ref"]?.stringValue == "#/$defs/Infrastructure")
    }
}
