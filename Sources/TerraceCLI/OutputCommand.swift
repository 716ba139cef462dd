import ArgumentParser
import Foundation
import TerraceCore

/// `terrace output`: the recorded outputs of every applied unit; sensitive values are never shown.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "output",
        abstract: "Show the outputs recorded at the last apply of each unit (sensitive values redacted).")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var infra: InfraSelection

    @Flag(help: "Print {infrastructure: {unit: {output: value}}} as JSON; sensitive values are null.")
    var json = false

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: json)
        try Workspace.checkSelection(infra.selection, in: repository)
        let selected = repository.infrastructures.filter { infra.selection?.contains($0.name) ?? true }
        do {
            try await StateBackends.with(localDirectory: repo.localStateFolder, infrastructures: selected) { backends in
                let records = try await backends.records(selected)
                if json {
                    var object: [String: Any] = [:]
                    for (name, record) in records {
                        var units: [String: Any] = [:]
                        for (unit, unitRecord) in record.units {
                            var outputs: [String: Any] = [:]
                            for (output, value) in unitRecord.outputs {
                                outputs[output] = unitRecord.sensitiveOutputs.contains(output) ? NSNull() : value.jsonObject
                            }
                            units[unit] = outputs
                        }
                        object[name] = units
                    }
                    try JSONOutput.write(object)
                    return
                }
                let terminal = Terminal(noColor: repo.noColor)
                for infrastructure in selected {
                    guard let record = records[infrastructure.name], !record.units.isEmpty else {
                        print(terminal.paint(infrastructure.name, .bold) + ": not applied yet")
                        continue
                    }
                    print(terminal.paint(infrastructure.name, .bold))
                    for unit in record.units.keys.sorted() {
                        guard let unitRecord = record.units[unit] else { continue }
                        for output in unitRecord.outputs.keys.sorted() {
                            let value = unitRecord.sensitiveOutputs.contains(output)
                                ? terminal.paint("(sensitive)", .dim) : unitRecord.outputs[output]?.canonicalJSON ?? "null"
                            print("  \(unit).\(output) = \(value)")
                        }
                    }
                }
            }
        } catch let failure as CommandFailure {
            Terminal.printError("error: \(failure.description)")
            throw ExitCode.failure
        }
    }
}

extension Value {
    /// The value as a JSONSerialization object.
    var jsonObject: Any {
        switch self {
        case .null, .unknown: NSNull()
        case .bool(let flag): flag
        case .number(let number): number.intValue.map { $0 as Any } ?? number.doubleValue
        case .string(let text): text
        case .list(let items): items.map(\.jsonObject)
        case .map(let entries): entries.mapValues(\.jsonObject)
        }
    }
}
