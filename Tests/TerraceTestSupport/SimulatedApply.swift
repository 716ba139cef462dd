import Foundation

import TerraceCore

/// Records an infrastructure as applied, as a successful apply would: in dependency order, each unit's inputs
/// rendered with its upstream outputs, its desired state digested, and its outputs stored.
public enum SimulatedApply {
    /// Outputs for every declared output of every unit: `"<unit>.<output>"` strings, lists for `*_ids`.
    public static func defaultOutputs(_ repository: Repository, _ infrastructure: Infrastructure) -> [String: [String: Value]] {
        var outputs: [String: [String: Value]] = [:]
        for unit in infrastructure.units {
            guard let module = repository.modules[unit.module] else { continue }
            var values: [String: Value] = [:]
            for name in module.declarations.outputs.keys {
                values[name] = name.hasSuffix("_ids") || name == "availability_zones"
                    ? .list([.string("\(unit.name)-\(name)-a"), .string("\(unit.name)-\(name)-b")]) : .string("\(unit.name)-\(name)")
            }
            outputs[unit.name] = values
        }
        return outputs
    }

    public static func record(
        _ repository: Repository, infrastructure name: String, outputs override: [String: [String: Value]] = [:],
        previous: InfrastructureRecord? = nil
    ) throws -> InfrastructureRecord {
        guard let infrastructure = repository.infrastructure(named: name), let graph = repository.graphs[name] else {
            throw FileSystemError(.notFound, path: name)
        }
        let outputs = defaultOutputs(repository, infrastructure).merging(override, uniquingKeysWith: { _, last in last })
        var renderer = InputRenderer(project: repository.project, infrastructure: infrastructure, outputs: [:])
        var record = previous ?? InfrastructureRecord(infrastructure: name)
        record.units = record.units.filter { infrastructure.unit(named: $0.key) != nil }
        for unitName in graph.topologicalOrder() {
            guard let unit = infrastructure.unit(named: unitName), let module = repository.modules[unit.module] else { continue }
            let inputs = try renderer.render(unit).get()
            let desired = DesiredState(module: module, infrastructure: infrastructure, inputs: inputs)
            record.units[unitName] = UnitRecord(
                digest: desired.digest, moduleDigest: desired.moduleDigest, settingsDigest: desired.settingsDigest,
                inputDigests: desired.inputDigests, outputs: outputs[unitName] ?? [:], dependsOn: graph.upstream[unitName] ?? [],
                module: module.displayName, appliedAt: Date(timeIntervalSince1970: 0))
            renderer.outputs[unitName] = outputs[unitName] ?? [:]
        }
        return record
    }
}
