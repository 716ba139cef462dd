import ArgumentParser
import Foundation
import TerraceCore
import TerraceKubernetes
import TerraceLocal
import TerraceTerraform

/// What `apply` and `destroy` share: the selected infrastructures, their records, the engine, the printer.
struct RunSession {
    let repository: Repository
    let selected: [Infrastructure]
    let flags: RunFlags
    let terminal: Terminal

    /// Loads the repository and the selection, or exits.
    static func open(repo: RepoOptions, infra: InfraSelection, flags: RunFlags) async throws -> RunSession {
        let repository = try await Workspace.loadOrExit(repo, json: flags.json)
        try Workspace.checkSelection(infra.selection, in: repository)
        let selected = repository.infrastructures.filter { infra.selection?.contains($0.name) ?? true }
        return RunSession(repository: repository, selected: selected, flags: flags, terminal: Terminal(noColor: repo.noColor))
    }

    var parallelism: Int { flags.parallelism ?? repository.project.terraform.parallelism }

    /// Asks for confirmation on a terminal; refuses to go on without `--auto-approve` elsewhere.
    func confirm(_ question: String) throws {
        guard !flags.autoApprove else { return }
        guard isatty(STDIN_FILENO) == 1 else {
            throw CommandFailure("refusing to change infrastructure without confirmation: pass --auto-approve when not on a terminal")
        }
        print("\(question) Only 'yes' will be accepted: ", terminator: "")
        fflush(nil)
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CommandFailure("cancelled; nothing was changed")
        }
    }

    /// The executor for this repository's units (Terraform, after checking the binary once, and the Kubernetes
    /// driver for the `argocd` unit and apps).
    func executor(root: String) async throws -> any UnitExecutor {
        let binary = repository.project.terraform.binary
        // Infrastructures with only in-cluster units (an existing cluster, apps) need no Terraform on the machine.
        let needsTerraform = selected.contains { infrastructure in
            infrastructure.units.contains { unit in
                if case .kubernetes = unit.module { return false }
                return true
            }
        }
        if needsTerraform {
            do {
                _ = try await TerraformExecutor.checkBinary(binary)
            } catch {
                throw CommandFailure(error.message)
            }
        }
        let terraform = TerraformExecutor(
            binary: binary, workRoot: root + "/.terrace/work", logRoot: root + "/.terrace/logs",
            pluginCacheDirectory: CacheFolders.plugins())
        let kubernetes = KubernetesUnitExecutor(manifests: InstallManifestFetcher(cacheDirectory: CacheFolders.manifests()))
        return RoutingUnitExecutor(terraform: terraform, kubernetes: kubernetes)
    }

    /// A printer for run events in the mode the flags and the terminal call for.
    func printer() -> RunPrinter {
        let mode: RunPrinter.Mode = flags.json ? .json : (terminal.colored ? .terminal : .plain)
        return RunPrinter(mode: mode, terminal: terminal)
    }

    /// Runs `operation` on each of `targets` in turn with live progress, prints the summary (not in JSON mode),
    /// and fails when a run failed. With `prepare`, each state bucket is created first when missing.
    func run(
        _ targets: [Infrastructure], backends: StateBackends, root: String, prepare: Bool,
        _ operation: (ApplyEngine, Infrastructure, RunOptions, @escaping @Sendable (RunEvent) -> Void) async -> InfrastructureRun
    ) async throws {
        let executor = try await executor(root: root)
        let printer = printer()
        printer.start()
        var runs: [InfrastructureRun] = []
        for infrastructure in targets {
            if prepare {
                do {
                    try await backends.prepare(infrastructure)
                } catch {
                    printer.stop()
                    throw error
                }
            }
            let engine = ApplyEngine(executor: executor, store: backends.store(for: infrastructure), lock: backends.lock(for: infrastructure))
            let options = RunOptions(parallelism: parallelism, lockTimeout: flags.lockTimeout)
            runs.append(await operation(engine, infrastructure, options, printer.handle))
        }
        printer.stop()
        if !flags.json { print(printer.summary(runs), terminator: "") }
        if runs.contains(where: { !$0.succeeded }) { throw ExitCode.failure }
    }
}

/// The folders Terrace caches into: `$TERRACE_CACHE_DIR`, else `$XDG_CACHE_HOME/terrace`, else `~/.cache/terrace`;
/// git modules go to `modules/`, provider plugins to `plugins/`.
enum CacheFolders {
    static func base(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["TERRACE_CACHE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/terrace" }
        return NSHomeDirectory() + "/.cache/terrace"
    }

    /// Where fetched Argo CD install manifests are kept by digest (seed it with `<sha256>.yaml` on air-gapped machines).
    static func manifests(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        base(environment: environment) + "/manifests"
    }

    /// The shared provider plugin cache, unless the user set `TF_PLUGIN_CACHE_DIR`.
    static func plugins(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["TF_PLUGIN_CACHE_DIR"], !explicit.isEmpty { return explicit }
        return base(environment: environment) + "/plugins"
    }
}
