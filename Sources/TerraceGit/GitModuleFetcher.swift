import Foundation
import TerraceCore

/// Fetches `git::` module sources with the git CLI into a cache folder, one checkout per commit.
///
/// Each run asks the remote which commit the ref names (`git ls-remote`), so a moved branch is
/// noticed; a commit already checked out is reused without fetching. When the remote cannot be
/// reached, the last checkout of that ref is used.
public struct GitModuleFetcher: ModuleFetcher {
    /// The cache folder.
    public let cacheDirectory: String
    private let git = GitCommand()

    /// Creates a fetcher caching into `cacheDirectory`.
    public init(cacheDirectory: String) {
        self.cacheDirectory = cacheDirectory
    }

    public func fetch(_ source: GitModuleSource) async throws(ModuleFetchError) -> String {
        let shown = GitCommand.redact(source.url)
        let key = String(ContentDigest.of(source.url + "\n" + (source.ref ?? "HEAD")).dropFirst("sha256:".count).prefix(16))
        let refFolder = cacheDirectory + "/" + key
        let commit: String
        do throws(ModuleFetchError) {
            commit = try await resolveCommit(source)
        } catch {
            if let previous = try? String(contentsOfFile: refFolder + "/current", encoding: .utf8),
                FileManager.default.fileExists(atPath: refFolder + "/" + previous + "/.terrace-complete")
            {
                return refFolder + "/" + previous
            }
            throw ModuleFetchError("cannot fetch `\(shown)`\(source.ref.map { " at `\($0)`" } ?? ""): \(error.message)")
        }
        let checkout = refFolder + "/" + commit
        if FileManager.default.fileExists(atPath: checkout + "/.terrace-complete") { return checkout }

        let staging = refFolder + "/.staging-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw ModuleFetchError("cannot create the module cache folder `\(refFolder)`")
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        do throws(ModuleFetchError) {
            _ = try await git.run(["init", "--quiet", staging])
            do throws(ModuleFetchError) {
                _ = try await git.run(["fetch", "--quiet", "--depth", "1", source.url, commit], in: staging)
            } catch {
                // Servers that refuse fetching a commit by id: fetch the ref itself.
                _ = try await git.run(["fetch", "--quiet", source.url, source.ref ?? "HEAD"], in: staging)
            }
            _ = try await git.run(["-c", "advice.detachedHead=false", "checkout", "--quiet", commit], in: staging)
        } catch {
            throw ModuleFetchError("cannot fetch `\(shown)`: \(error.message)")
        }
        try? FileManager.default.removeItem(atPath: staging + "/.git")
        _ = FileManager.default.createFile(atPath: staging + "/.terrace-complete", contents: Data())
        do {
            if !FileManager.default.fileExists(atPath: checkout) {
                try FileManager.default.moveItem(atPath: staging, toPath: checkout)
            }
            try commit.write(toFile: refFolder + "/current", atomically: true, encoding: .utf8)
        } catch {
            if !FileManager.default.fileExists(atPath: checkout + "/.terrace-complete") {
                throw ModuleFetchError("cannot store `\(shown)` in the module cache `\(refFolder)`")
            }
        }
        return checkout
    }

    /// The commit `source.ref` names on the remote (a full commit id is taken as is).
    private func resolveCommit(_ source: GitModuleSource) async throws(ModuleFetchError) -> String {
        if let ref = source.ref, ref.count == 40, ref.allSatisfy(\.isHexDigit) { return ref.lowercased() }
        let ref = source.ref ?? "HEAD"
        let output = try await git.run(["ls-remote", source.url, ref, "refs/tags/\(ref)^{}"])
        var lines = output.split(separator: "\n").map { $0.split(separator: "\t") }.filter { $0.count == 2 }
        // A peeled annotated tag (`^{}`) names the commit; prefer it over the tag object.
        if let peeled = lines.first(where: { $0[1].hasSuffix("^{}") }) { lines = [peeled] }
        guard let first = lines.first else { throw ModuleFetchError("ref `\(ref)` not found") }
        return String(first[0])
    }
}
