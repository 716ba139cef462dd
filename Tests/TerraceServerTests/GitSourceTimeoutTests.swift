import Foundation
import Testing
import TerraceGit
import TerraceTestSupport

/// A git that hangs is killed, with everything it started, once the time limit passes; the source then works again.
@Suite struct GitSourceTimeoutTests {
    /// A `git` that hangs in `fetch` while `<folder>/hang` exists (its child `sleep` writes its pid to
    /// `<folder>/sleep.pid`, so the test can see the whole process group killed), and runs the real git otherwise.
    static func fakeGit(in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("fake-git").path
        let script = """
            #!/bin/sh
            for argument in "$@"; do
              if [ "$argument" = fetch ] && [ -e '\(folder.path)/hang' ]; then
                trap '' INT TERM
                sleep 100000 &
                echo $! > '\(folder.path)/sleep.pid'
                wait
              fi
            done
            exec /usr/bin/env git "$@"

            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    static func makeRepository(at folder: URL) async throws -> String {
        let repo = folder.appendingPathComponent("origin").path
        let output = try await CommandRunner.runExecutable(
            "/bin/sh",
            ["-c", "git init -q -b main \(repo) && cd \(repo) && echo 'kind: Project' > terrace.yaml && git add . && "
                + "git -c user.name=t -c user.email=t@example.com commit -q -m one && git rev-parse HEAD"],
            in: folder)
        try #require(output.status == 0, "\(output.stderr)")
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // A zombie is dead, only not yet reaped by its parent.
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    @Test func aHangingFetchIsKilledWithItsChildrenAndReportedAsATimeout() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let head = try await Self.makeRepository(at: folder)
        let git = try Self.fakeGit(in: folder)
        // Two views of one clone: a patient one for the steps that work (a loaded CI machine can take many seconds
        // over a local clone), and one with a short limit for the steps that hang.
        let url = "file://" + folder.appendingPathComponent("origin").path
        let directory = folder.appendingPathComponent("data").path
        let patient = GitSource(url: url, branch: "main", directory: directory, timeout: .seconds(600), executable: git)
        let source = GitSource(url: url, branch: "main", directory: directory, timeout: .seconds(10), executable: git)

        // A working fetch first.
        #expect(try await patient.fetch().id == head)

        // Now the remote hangs: the fetch fails as a timeout, naming the limit.
        FileManager.default.createFile(atPath: folder.appendingPathComponent("hang").path, contents: nil)
        var caught: GitError?
        do {
            _ = try await source.fetch()
        } catch {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.code == .timedOut)
        #expect(error.message.contains("git fetch did not finish within 10 s"))

        // Its child (in git's process group) was killed too.
        let pidText = try String(contentsOfFile: folder.appendingPathComponent("sleep.pid").path, encoding: .utf8)
        let sleeper = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try await ServeProcess.waitUntil("the hanging git's child to be killed", timeout: 30) { !Self.isAlive(sleeper) }

        // Two callers while it hangs: one git at a time, each bounded; both fail as timeouts.
        async let one = Result { () async throws(GitError) -> String in try await source.fetch().id }
        async let two = Result { () async throws(GitError) -> String in try await source.fetch().id }
        let (first, second) = await (one, two)
        #expect(throws: GitError.self) { try first.get() }
        #expect(throws: GitError.self) { try second.get() }

        // The remote answers again: the clone works again, checkout included.
        try FileManager.default.removeItem(atPath: folder.appendingPathComponent("hang").path)
        #expect(try await patient.fetch().id == head)
        #expect(try await patient.checkout(head).hasSuffix("/revisions/" + head))
    }
}

extension Result where Failure == GitError {
    /// The outcome of `body`.
    init(_ body: () async throws(GitError) -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
