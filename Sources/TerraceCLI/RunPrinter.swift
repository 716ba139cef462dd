import Foundation
import TerraceCore

/// Shows a run's progress: on a terminal, one redrawn line per running unit with its phase and elapsed time;
/// otherwise plain lines; with `--json`, one JSON event per line. Ends with a per-unit summary.
final class RunPrinter: @unchecked Sendable {
    enum Mode {
        case terminal
        case plain
        case json
    }

    private let mode: Mode
    private let terminal: Terminal
    private let lock = NSLock()
    private var running: [String: (phase: UnitPhase, since: Date)] = [:]
    private var drawnLines = 0
    private var ticker: Task<Void, Never>?

    init(mode: Mode, terminal: Terminal) {
        self.mode = mode
        self.terminal = terminal
    }

    /// Starts redrawing running units every half second (terminal mode only).
    func start() {
        guard mode == .terminal else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                self?.redraw()
            }
        }
    }

    /// Stops redrawing and clears the progress lines.
    func stop() {
        ticker?.cancel()
        ticker = nil
        lock.lock()
        clearProgress()
        lock.unlock()
    }

    /// Handles one event of a run.
    func handle(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch mode {
        case .json: emitJSON(event)
        case .plain, .terminal: show(event)
        }
    }

    private func show(_ event: RunEvent) {
        switch event {
        case .started(let infrastructure, let operation, let units):
            write("\(terminal.paint("\(operation == "destroy" ? "Destroying" : "Applying") \(infrastructure)", .bold)): \(units.count) unit\(units.count == 1 ? "" : "s")")
        case .phase(let infrastructure, let unit, let phase):
            let key = "\(infrastructure)/\(unit)"
            let since = running[key]?.since ?? Date()
            running[key] = (phase, since)
            if mode == .plain { write("\(key): \(phase.rawValue)") } else { redrawLocked() }
        case .finished(let infrastructure, let result):
            running["\(infrastructure)/\(result.unit)"] = nil
            write(line(for: result, infrastructure: infrastructure))
        case .completed:
            break
        }
    }

    private func line(for result: UnitResult, infrastructure: String) -> String {
        let name = "\(infrastructure)/\(result.unit)"
        let time = result.seconds > 0 ? String(format: " (%.1fs)", result.seconds) : ""
        switch result.outcome {
        case .applied: return terminal.paint("✓", .green) + " \(name) applied\(time)"
        case .unchanged: return terminal.paint("·", .dim) + " \(name) unchanged"
        case .destroyed: return terminal.paint("✓", .green) + " \(name) destroyed\(time)"
        case .failed: return terminal.paint("✗", .red) + " \(name) failed\(time): \(result.message ?? "")"
        case .blocked: return terminal.paint("-", .yellow) + " \(name) \(result.message ?? "not run")"
        }
    }

    /// Writes a permanent line above the progress block.
    private func write(_ text: String) {
        clearProgress()
        print(text)
        if mode == .terminal { drawProgress() }
        fflush(nil)
    }

    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        redrawLocked()
    }

    private func redrawLocked() {
        guard mode == .terminal else { return }
        clearProgress()
        drawProgress()
        fflush(nil)
    }

    private func clearProgress() {
        guard drawnLines > 0 else { return }
        print(String(repeating: "\u{1B}[1A\u{1B}[2K", count: drawnLines), terminator: "")
        drawnLines = 0
    }

    private func drawProgress() {
        let now = Date()
        for (key, state) in running.sorted(by: { $0.key < $1.key }) {
            let elapsed = Int(now.timeIntervalSince(state.since))
            print("  \(terminal.paint("…", .cyan)) \(key)  \(state.phase.rawValue)  \(elapsed)s")
        }
        drawnLines = running.count
    }

    private func emitJSON(_ event: RunEvent) {
        var object: [String: Any] = ["time": ISO8601DateFormatter().string(from: Date())]
        switch event {
        case .started(let infrastructure, let operation, let units):
            object["event"] = "started"
            object["infrastructure"] = infrastructure
            object["operation"] = operation
            object["units"] = units
        case .phase(let infrastructure, let unit, let phase):
            object["event"] = "phase"
            object["infrastructure"] = infrastructure
            object["unit"] = unit
            object["phase"] = phase.rawValue
        case .finished(let infrastructure, let result):
            object["event"] = "finished"
            object["infrastructure"] = infrastructure
            object["unit"] = result.unit
            object["outcome"] = result.outcome.rawValue
            object["seconds"] = (result.seconds * 1000).rounded() / 1000
            object["message"] = result.message ?? NSNull()
            object["logPath"] = result.logPath ?? NSNull()
            if let changed = result.outputsChanged { object["outputsChanged"] = changed }
        case .completed(let run):
            object["event"] = "completed"
            object["infrastructure"] = run.infrastructure
            object["operation"] = run.operation
            object["succeeded"] = run.succeeded
            object["error"] = run.error ?? NSNull()
            object["seconds"] = (run.seconds * 1000).rounded() / 1000
            object["counts"] = Dictionary(uniqueKeysWithValues: [UnitOutcome.applied, .unchanged, .failed, .blocked, .destroyed].map { ($0.rawValue, run.count($0)) })
        }
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    /// The summary of finished runs, with the last log lines of failed units.
    func summary(_ runs: [InfrastructureRun]) -> String {
        var output = ""
        for run in runs {
            var counts: [String] = []
            for outcome in [UnitOutcome.applied, .destroyed, .unchanged, .failed, .blocked] where run.count(outcome) > 0 {
                counts.append("\(run.count(outcome)) \(outcome.rawValue)")
            }
            let status = run.succeeded ? terminal.paint("succeeded", .green) : terminal.paint("failed", .bold, .red)
            output += "\(terminal.paint("\(run.infrastructure)", .bold)) \(run.operation) \(status) in \(String(format: "%.1f", run.seconds))s"
            output += counts.isEmpty ? "\n" : ": " + counts.joined(separator: ", ") + "\n"
            if let error = run.error { output += "  " + terminal.paint("error:", .red) + " \(error)\n" }
            for result in run.results where result.outcome == .failed {
                output += "  \(terminal.paint("✗", .red)) \(result.unit): \(result.message ?? "failed")\n"
                if let tail = result.logTail, !tail.isEmpty {
                    output += "    last lines of \(result.logPath ?? "the log"):\n"
                    output += tail.map { "    | \($0)" }.joined(separator: "\n") + "\n"
                }
            }
        }
        return output
    }
}
