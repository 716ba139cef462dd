import ArgumentParser
import Foundation
import TerraceCore

/// `terrace kubeconfig INFRA`: a kubeconfig for the infrastructure's cluster, from the `kubernetes` unit's recorded
/// outputs. It holds no credential (an `aws eks get-token` exec plugin gets a token), so `kubectl` works right after
/// the first apply.
struct KubeconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeconfig",
        abstract: "Print a kubeconfig for an infrastructure's cluster, or merge it into your kubeconfig file.",
        discussion: """
            The kubeconfig holds no credential: kubectl runs `aws eks get-token` (AWS CLI) with your AWS credentials.
            With --merge, the cluster, user and context named after the infrastructure are added to (or replaced in)
            the file, other entries are kept, and the context becomes the current one.
            """)

    @Argument(help: "The infrastructure whose cluster to reach.")
    var infrastructure: String

    @OptionGroup var repo: RepoOptions

    @Flag(help: "Merge into the kubeconfig file instead of printing: --kubeconfig, else KUBECONFIG's first file, else ~/.kube/config.")
    var merge = false

    @Option(name: .customLong("kubeconfig"), help: "With --merge: the kubeconfig file to merge into.")
    var file: String?

    func validate() throws {
        if file != nil && !merge { throw ValidationError("--kubeconfig goes with --merge") }
    }

    func run() async throws {
        let repository = try await Workspace.loadOrExit(repo, json: false)
        try Workspace.checkSelection([infrastructure], in: repository)
        guard let selected = repository.infrastructure(named: infrastructure) else { throw ExitCode.failure }
        guard selected.unit(named: "kubernetes") != nil else {
            Terminal.printError("error: `\(selected.name)` has no `kubernetes` section, so Terrace made no cluster for it")
            throw ExitCode.failure
        }
        let record: InfrastructureRecord?
        do {
            record = try await StateBackends.record(of: selected, localDirectory: repo.localStateFolder)
        } catch {
            Terminal.printError("error: cannot read the records of `\(selected.name)`: \(error)")
            throw ExitCode.failure
        }
        guard let kubeconfig = ClusterKubeconfig(infrastructure: selected, record: record) else {
            Terminal.printError(
                "error: the `kubernetes` unit of `\(selected.name)` has not been applied yet (hint: run `terrace apply` first)")
            throw ExitCode.failure
        }
        guard merge else {
            print(try kubeconfig.yaml(), terminator: "")
            return
        }
        let path = targetPath()
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let merged = try kubeconfig.merged(into: existing)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = path + ".terrace-new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(merged.utf8), attributes: [.posixPermissions: 0o600])
        else {
            Terminal.printError("error: cannot write `\(temporary)`")
            throw ExitCode.failure
        }
        // Atomic: a reader sees the old file or the new one, never half of one.
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            Terminal.printError("error: cannot replace `\(path)`")
            throw ExitCode.failure
        }
        print("merged context `\(kubeconfig.name)` into \(path); it is now the current context")
    }

    /// `--kubeconfig`, else the first file of `KUBECONFIG`, else `~/.kube/config`.
    private func targetPath() -> String {
        if let file { return URL(fileURLWithPath: file).standardizedFileURL.path }
        let environment = ProcessInfo.processInfo.environment
        if let first = environment["KUBECONFIG"]?.split(separator: ":").first, !first.isEmpty { return String(first) }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.kube/config"
    }
}
