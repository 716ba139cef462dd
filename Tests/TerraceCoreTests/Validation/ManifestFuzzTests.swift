import Testing

@testable import TerraceCore
import TerraceTestSupport

@Suite("Mutated manifests never crash and always fail cleanly")
struct ManifestFuzzTests {
    static let fragments = [
        ":", "- ", "{", "}", "[", "]", "${", "}", "\"", "'", "\t", "  ", "\n", "#", "&a", "*a", "!!str ", "? ", "|", ">",
        "${network.", "${lower(", "${infra.vars.", "0.0.0.0/0", "-1", "99999999999999999999", "null", "~", "true",
        "é", "\u{0}", "${cidrsubnet(\"10.0.0.0/16\", 30, 9999)}", "---\n", "kind: Project\n", "units:\n",
        "  - name: x\n", "dependsOn: [api]", "module: ../../..", "module: git::", "${web.bucket}", "${api.token[0]}",
    ]

    /// One random edit of `text`: delete, duplicate or swap a line, insert a fragment, or truncate.
    static func mutate(_ text: String, using random: inout SeededGenerator) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return text }
        let index = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: lines.remove(at: index)
        case 1: lines.insert(lines[index], at: index)
        case 2:
            let other = Int.random(in: 0..<lines.count, using: &random)
            lines.swapAt(index, other)
        case 3:
            var line = Array(lines[index])
            let position = Int.random(in: 0...line.count, using: &random)
            line.insert(contentsOf: fragments.randomElement(using: &random) ?? "", at: position)
            lines[index] = String(line)
        case 4:
            var line = Array(lines[index])
            if !line.isEmpty { line.remove(at: Int.random(in: 0..<line.count, using: &random)) }
            lines[index] = String(line)
        default:
            return String(text.prefix(Int.random(in: 0...text.count, using: &random)))
        }
        return lines.joined(separator: "\n")
    }

    @Test("1,500 seeded mutations of a valid repository: no crash; either valid, or errors located inside the files")
    func mutations() async throws {
        var random = SeededGenerator(state: 0x7E44_ACE0)
        let targets = ["infra/dev.yaml", "infra/prod.yml", "terrace.yaml", "modules/app/variables.tf"]
        var failures = 0
        var successes = 0
        for iteration in 0..<1_500 {
            // CPU-bound: let the rest of the tests in this process have the few cooperative threads now and then.
            await Task.yield()
            var files = Fixtures.valid
            let target = targets[iteration % targets.count]
            var text = files[target] ?? ""
            for _ in 0..<Int.random(in: 1...3, using: &random) { text = Self.mutate(text, using: &random) }
            files[target] = text
            let result = await TestRepo(files).load()
            let lineCounts = files.mapValues { $0.split(separator: "\n", omittingEmptySubsequences: false).count }
            for diagnostic in result.diagnostics {
                #expect(!diagnostic.message.isEmpty && !diagnostic.message.contains("\n"), "iteration \(iteration)")
                let lines = lineCounts[diagnostic.location.file]
                #expect(lines != nil, "iteration \(iteration): \(diagnostic) names a file that is not in the repository")
                #expect(diagnostic.location.line <= (lines ?? 0) + 1, "iteration \(iteration): \(diagnostic) is past the end")
            }
            if let repository = result.repository {
                successes += 1
                #expect(!result.diagnostics.hasErrors)
                // A valid repository always plans (or reports why not), never crashes.
                _ = Planner.plan(repository, records: [:])
            } else {
                failures += 1
                #expect(result.diagnostics.hasErrors, "iteration \(iteration): no repository but no error")
            }
        }
        // The mutations exercise both outcomes.
        #expect(failures > 300)
        #expect(successes > 50)
    }
}
