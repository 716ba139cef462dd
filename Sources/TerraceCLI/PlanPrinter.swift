import TerraceCore

/// Renders a plan as a table per infrastructure, for people.
struct PlanPrinter {
    let terminal: Terminal

    func render(_ plan: Plan) -> String {
        var output = ""
        for infrastructure in plan.infrastructures {
            output += terminal.paint("Infrastructure \(infrastructure.name)", .bold) + " (\(infrastructure.file))\n"
            let showResources = infrastructure.units.contains { $0.resources != nil || $0.resourcesNote != nil }
            let rows = infrastructure.units.map { unit in
                var why = unit.reasons.joined(separator: "; ")
                if showResources, let note = unit.resourcesNote { why += why.isEmpty ? note : " (\(note))" }
                return [unit.name, unit.actionLabel, unit.module]
                    + (showResources ? [unit.resources.map { Self.describe($0, kind: unit.kind) } ?? ""] : []) + [why]
            }
            let headers = ["UNIT", "ACTION", "MODULE"] + (showResources ? ["RESOURCES"] : []) + ["WHY"]
            let widths = (0..<(headers.count - 1)).map { column in
                max(headers[column].count, rows.map { $0[column].count }.max() ?? 0)
            }
            output += "  " + zip(headers, widths + [0]).map { pad($0, $1) }.joined(separator: "  ")
                .trimmingTrailingSpaces() + "\n"
            for (unit, row) in zip(infrastructure.units, rows) {
                var cells = zip(row, widths + [0]).map { pad($0, $1) }
                cells[1] = paint(cells[1], unit.action)
                output += "  " + cells.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            }
            output += "\n"
        }
        let summary = plan.summary
        let line = "Plan: \(summary.create) to create, \(summary.update) to update, \(summary.destroy) to destroy, \(summary.unchanged) unchanged."
        output += (plan.hasChanges ? terminal.paint(line, .bold) : terminal.paint("No changes. ", .green) + line) + "\n"
        return output
    }

    /// A resource summary, or for the `argocd` unit and apps (a server-side dry run) a summary of objects.
    static func describe(_ summary: ResourceSummary, kind: String) -> String {
        kind == "argocd" || kind == "app" || kind == "addon" ? "\(summary) objects" : summary.description
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func paint(_ text: String, _ action: UnitAction) -> String {
        switch action {
        case .create: terminal.paint(text, .green)
        case .update: terminal.paint(text, .yellow)
        case .destroy: terminal.paint(text, .red)
        case .unchanged: terminal.paint(text, .dim)
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
