import Foundation
import TerraceCore
import TerraceGit
import TerraceTestSupport
import Testing

@Suite("Fetching git module sources with the git CLI")
struct GitModuleFetcherTests {
    /// Runs git in `directory` with a fixed identity.
    @discardableResult
    static func git(_ arguments: [String], in directory: URL) async throws -> String {
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env",
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"] + arguments,
            in: directory)
        #expect(output.status == 0, "git \(arguments.joined(separator: " ")): \(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A repository with `app/main.tf`, tagged `v1`, on branch `main`.
    static func makeRemote(in folder: URL) async throws -> URL {
        let remote = folder.appendingPathComponent("modules")
        try FileManager.default.createDirectory(at: remote.appendingPathComponent("app"), withIntermediateDirectories: true)
        try "variable \"name\" {\n  type = string\n}\noutput \"id\" {\n  value = var.name\n}\n"
            .write(to: remote.appendingPathComponent("app/main.tf"), atomically: true, encoding: .utf8)
        try await git(["init", "--quiet"], in: remote)
        try await git(["add", "."], in: remote)
        try await git(["commit", "--quiet", "-m", "first"], in: remote)
        try await git(["tag", "-a", "v1", "-m", "v1"], in: remote)
        return remote
    }

    @Test("a tag is fetched once into the cache and reused; a moved branch gives a new checkout")
    func fetchAndCache() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let remote = try await Self.makeRemote(in: folder)
        let fetcher = GitModuleFetcher(cacheDirectory: folder.appendingPathComponent("cache").path)
        let url = "file://" + remote.path

        let tagged = try await fetcher.fetch(GitModuleSource(url: url, subdirectory: "app", ref: "v1"))
        let firstCommit = try await Self.git(["rev-parse", "HEAD"], in: remote)
        #expect(tagged.hasSuffix("/" + firstCommit), "a checkout is named by its commit")
        #expect(FileManager.default.fileExists(atPath: tagged + "/app/main.tf"))
        #expect(!FileManager.default.fileExists(atPath: tagged + "/.git"), "the cache keeps files, not history")
        #expect(try await fetcher.fetch(GitModuleSource(url: url, ref: "v1")) == tagged)

        let branch = try await fetcher.fetch(GitModuleSource(url: url, ref: "main"))
        #expect(branch.hasSuffix("/" + firstCommit))
        try "# changed\n".write(to: remote.appendingPathComponent("app/extra.tf"), atomically: true, encoding: .utf8)
        try await Self.git(["add", "."], in: remote)
        try await Self.git(["commit", "--quiet", "-m", "second"], in: remote)
        let moved = try await fetcher.fetch(GitModuleSource(url: url, ref: "main"))
        #expect(moved != branch)
        #expect(FileManager.default.fileExists(atPath: moved + "/app/extra.tf"))
        // The tag still names the first commit.
        #expect(try await fetcher.fetch(GitModuleSource(url: url, ref: "v1")) == tagged)
    }

    @Test("an unknown ref or repository is an error that says which, with no credentials in it")
    func errors() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let remote = try await Self.makeRemote(in: folder)
        let fetcher = GitModuleFetcher(cacheDirectory: folder.appendingPathComponent("cache").path)
        do {
            _ = try await fetcher.fetch(GitModuleSource(url: "file://" + remote.path, ref: "v9"))
            Issue.record("fetching an unknown ref must fail")
        } catch {
            #expect(error.message == "cannot fetch `file://\(remote.path)` at `v9`: ref `v9` not found")
        }
        do {
            _ = try await fetcher.fetch(GitModuleSource(url: "https://user:s3cret@127.0.0.1:1/x.git", ref: "v1"))
            Issue.record("fetching from a closed port must fail")
        } catch {
            #expect(error.message.hasPrefix("cannot fetch `https://***@127.0.0.1:1/x.git` at `v1`: git ls-remote failed"))
            #expect(!error.message.contains("s3cret"))
        }
    }

    @Test("validate fetches git modules and checks inputs against them")
    func validateWithGitModule() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let remote = try await Self.makeRemote(in: folder)
        let repo = folder.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        let manifest = """
            kind: Infrastructure
            name: dev
            cloud: {region: eu-west-1}
            units:
              - name: app
                module: git::file://\(remote.path)//app?ref=v1
                inputs: {nam: x}
            """
        try manifest.write(to: repo.appendingPathComponent("dev.yaml"), atomically: true, encoding: .utf8)
        let output = try await CommandRunner.run(["validate", "repo"], in: folder)
        #expect(output.status == 1)
        #expect(output.stderr.contains("dev.yaml:7:14: error: module `git::file://\(remote.path)//app?ref=v1` has no variable `nam`"))
        #expect(output.stderr.contains("hint: did you mean `name`?"))
        // Files inside git modules are shown at their path in the cache, which can be opened.
        #expect(output.stderr.contains("declares it at \(folder.path)/.cache/modules/"))
        #expect(output.stderr.contains("/app/main.tf:1:1 without a default"))
    }
}
