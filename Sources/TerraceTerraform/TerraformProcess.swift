import Foundation
import Subprocess
import TerraceCore

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs the Terraform binary non-interactively with swift-subprocess.
///
/// Each process starts in a session of its own. When the calling task is cancelled, the process group
/// gets SIGINT (what Ctrl-C sends: Terraform stops gracefully and releases its state lock; its providers
/// ignore it), then SIGKILL once ``interruptGracePeriod`` has passed.
struct TerraformProcess: Sendable {
    /// What a finished command left behind.
    struct Outcome: Sendable {
        /// The exit code (128 + the signal number when it was killed by a signal).
        var exitCode: Int32
        /// Its output (standard output and error, as written to the log).
        var output: String
        /// Its standard output, when captured instead of logged.
        var standardOutput: [UInt8]
    }

    /// The binary's name (looked up on the PATH) or path.
    var executable: String
    /// Variables set for the process over the inherited environment.
    var environment: [String: String]
    /// How long Terraform may take to stop after SIGINT before it is killed.
    var interruptGracePeriod: Duration

    /// The binary's name as shown in messages: `terraform`, `tofu`.
    var displayName: String { (executable as NSString).lastPathComponent }

    /// Runs `arguments` in `directory`, appending the output to `log` after a header line.
    ///
    /// With `captureStandardOutput`, standard output is returned instead of logged (for JSON that
    /// may hold sensitive values); standard error is logged either way. A failure to start throws
    /// `.setup`; cancellation throws `.cancelled`; a non-zero exit code is returned, not thrown.
    func run(
        _ arguments: [String], in directory: String, phase: UnitPhase, log: UnitLog, captureStandardOutput: Bool = false
    ) async throws(UnitFailure) -> Outcome {
        let command = "\(displayName) \(arguments.first ?? "")"
        guard !Task.isCancelled else {
            throw UnitFailure(.cancelled, phase: phase, "cancelled before `\(command)` ran", logPath: log.path,
                              stopNote: "`\(command)` was not started")
        }
        let descriptor: FileDescriptor
        do {
            descriptor = try log.open()
        } catch {
            throw UnitFailure(.setup, phase: phase, "cannot write the log file \(log.path): \(error)")
        }
        defer { try? descriptor.close() }
        log.append(UnitLog.header(executable: executable, arguments: arguments), to: descriptor)
        let start = log.size()
        let began = ContinuousClock.now

        let status: TerminationStatus
        var standardOutput: [UInt8] = []
        do {
            if captureStandardOutput {
                let result = try await Subprocess.run(
                    executableReference, arguments: Arguments(arguments), environment: processEnvironment,
                    workingDirectory: FilePath(directory), platformOptions: platformOptions,
                    output: .bytes(limit: .max), error: .fileDescriptor(descriptor, closeAfterSpawningProcess: false))
                status = result.terminationStatus
                standardOutput = result.standardOutput
            } else {
                let result = try await Subprocess.run(
                    executableReference, arguments: Arguments(arguments), environment: processEnvironment,
                    workingDirectory: FilePath(directory), platformOptions: platformOptions,
                    output: .fileDescriptor(descriptor, closeAfterSpawningProcess: false),
                    error: .fileDescriptor(descriptor, closeAfterSpawningProcess: false))
                status = result.terminationStatus
            }
        } catch {
            if Task.isCancelled {
                log.append("<== stopped: \(stopNote(command: command, status: nil))", to: descriptor)
                throw UnitFailure(.cancelled, phase: phase, "cancelled while `\(command)` ran",
                                  logTail: TerraformDiagnostics.tail(of: log.text(from: start)), logPath: log.path,
                                  stopNote: stopNote(command: command, status: nil))
            }
            log.append("<== could not run: \(error)", to: descriptor)
            throw UnitFailure(.setup, phase: phase, Self.startFailureMessage(executable: executable, error: error),
                              logPath: log.path)
        }

        let exitCode: Int32
        switch status {
        case .exited(let code): exitCode = code
        case .signaled(let signal): exitCode = 128 + signal
        }
        let elapsed = ContinuousClock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        log.append("<== exit \(exitCode) after \(String(format: "%.1f", seconds)) s", to: descriptor)
        let output = log.text(from: start)
        if Task.isCancelled {
            let note = stopNote(command: command, status: status)
            log.append("<== stopped: \(note)", to: descriptor)
            throw UnitFailure(.cancelled, phase: phase, "cancelled while `\(command)` ran: Terraform was interrupted",
                              logTail: TerraformDiagnostics.tail(of: log.text(from: start)), logPath: log.path, stopNote: note)
        }
        return Outcome(exitCode: exitCode, output: output, standardOutput: standardOutput)
    }

    /// Runs `arguments` without a log or working directory and returns standard output
    /// (for `version -json`); standard error is dropped.
    func capture(_ arguments: [String]) async throws(UnitFailure) -> (exitCode: Int32, standardOutput: [UInt8]) {
        do {
            let result = try await Subprocess.run(
                executableReference, arguments: Arguments(arguments), environment: processEnvironment,
                platformOptions: platformOptions, output: .bytes(limit: 1 << 20), error: .discarded)
            let code: Int32
            switch result.terminationStatus {
            case .exited(let value): code = value
            case .signaled(let signal): code = 128 + signal
            }
            return (code, result.standardOutput)
        } catch {
            if Task.isCancelled {
                throw UnitFailure(.cancelled, phase: .`init`, "cancelled while `\(displayName) version` ran")
            }
            throw UnitFailure(.setup, phase: .`init`, Self.startFailureMessage(executable: executable, error: error))
        }
    }

    /// How an interrupted command stopped, for messages: after SIGINT by itself, or killed with SIGKILL once
    /// ``interruptGracePeriod`` had passed (Terraform then had no chance to release its state lock).
    func stopNote(command: String, status: TerminationStatus?) -> String {
        let grace = UnitTimeout.describe(interruptGracePeriod)
        switch status {
        case .signaled(let signal) where signal == SIGKILL:
            return "`\(command)` was interrupted (SIGINT), did not stop within \(grace) and was killed (SIGKILL); "
                + "its state lock may be left behind"
        case .signaled(let signal):
            return "`\(command)` was interrupted (SIGINT) and stopped (signal \(signal))"
        case .exited(let code):
            return "`\(command)` was interrupted (SIGINT) and stopped (exit \(code))"
        case nil:
            return "`\(command)` was interrupted (SIGINT, then SIGKILL if still running after \(grace))"
        }
    }

    /// The message when the binary cannot be started.
    static func startFailureMessage(executable: String, error: any Error) -> String {
        let name = (executable as NSString).lastPathComponent
        if executable.contains("/") {
            return "cannot run \(executable): \(FileManager.default.fileExists(atPath: executable) ? "\(error)" : "no such file")"
        }
        return "`\(name)` was not found on the PATH: install \(name == "tofu" ? "OpenTofu" : "Terraform") "
            + "\(TerraformVersion.minimum.major).\(TerraformVersion.minimum.minor) or later"
    }

    private var executableReference: Executable {
        executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
    }

    private var processEnvironment: Environment {
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { overrides[key] = value }
        }
        return .inherit.updating(overrides)
    }

    private var platformOptions: PlatformOptions {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .send(signal: .interrupt, toProcessGroup: true, allowedDurationToNextStep: interruptGracePeriod)
        ]
        return options
    }
}
