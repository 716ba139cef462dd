import Foundation

/// The AWS CLI pointed at a local AWS API, for checking what end-to-end tests created.
public struct AWSCLI: Sendable {
    /// The API endpoint.
    public let endpoint: String
    /// Credentials and region.
    public let environment: [String: String]

    /// Creates a client for `server`.
    public init(server: MotoServer) {
        endpoint = server.endpoint
        environment = server.environment
    }

    /// Runs `aws <arguments> --output json` and returns the decoded JSON (an empty dictionary for no output).
    public func json(_ arguments: [String]) async throws -> Any {
        let folder = FileManager.default.temporaryDirectory
        let output = try await CommandRunner.runExecutable(
            "/usr/bin/env", ["aws", "--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"] + arguments,
            in: folder, environment: environment)
        guard output.status == 0 else { throw HarnessError("aws \(arguments.joined(separator: " ")) failed: \(output.stderr)") }
        let text = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [String: Any]() }
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// `json(arguments)[key]` as a list of objects.
    public func list(_ arguments: [String], _ key: String) async throws -> [[String: Any]] {
        (try await json(arguments) as? [String: Any])?[key] as? [[String: Any]] ?? []
    }

    /// `json(arguments)[key]` as a list of strings.
    public func strings(_ arguments: [String], _ key: String) async throws -> [String] {
        (try await json(arguments) as? [String: Any])?[key] as? [String] ?? []
    }
}
