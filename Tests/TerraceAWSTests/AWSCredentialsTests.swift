import Foundation
import Testing

@testable import TerraceAWS

@Suite struct AWSCredentialsTests {
    /// Writes `text` to a credentials file in a fresh temporary folder, runs `body` with its path.
    private func withCredentialsFile<T>(_ text: String, _ body: (String, String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("terrace-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent(".aws/credentials").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try body(folder.path, path)
    }

    static let file = """
        # comment
        [default]
        aws_access_key_id = AKIADEFAULT0000
        aws_secret_access_key = defaultsecret

        [ci]
        aws_access_key_id=AKIACI00000000
        aws_secret_access_key=cisecret
        aws_session_token = citoken
        ; another comment

        [profile legacy]
        aws_access_key_id = AKIALEGACY0000
        aws_secret_access_key = legacysecret

        [broken]
        aws_access_key_id = AKIABROKEN0000
        """

    @Test func environmentWins() throws {
        let credentials = try AWSCredentials.resolve(
            environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "tok"],
            homeDirectory: "/nonexistent")
        #expect(credentials == AWSCredentials(accessKeyId: "AKIAENV", secretAccessKey: "envsecret", sessionToken: "tok"))
    }

    @Test func halfAnEnvironmentPairIsAnError() {
        #expect {
            try AWSCredentials.resolve(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV"], homeDirectory: "/nonexistent")
        } throws: { error in
            (error as? AWSError)?.code == .credentials
                && (error as? AWSError)?.message == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
        }
    }

    @Test func defaultProfileOfTheHomeFile() throws {
        try withCredentialsFile(Self.file) { home, _ in
            let credentials = try AWSCredentials.resolve(environment: [:], homeDirectory: home)
            #expect(credentials == AWSCredentials(accessKeyId: "AKIADEFAULT0000", secretAccessKey: "defaultsecret"))
        }
    }

    @Test func profileAndFileFromTheEnvironment() throws {
        try withCredentialsFile(Self.file) { _, path in
            let credentials = try AWSCredentials.resolve(
                environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "ci"], homeDirectory: "/nonexistent")
            #expect(credentials == AWSCredentials(accessKeyId: "AKIACI00000000", secretAccessKey: "cisecret", sessionToken: "citoken"))
            let legacy = try AWSCredentials.resolve(
                environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "legacy"], homeDirectory: "/nonexistent")
            #expect(legacy.accessKeyId == "AKIALEGACY0000")
        }
    }

    @Test func missingProfileOrKeyIsNamed() throws {
        try withCredentialsFile(Self.file) { _, path in
            #expect(throws: AWSError(.credentials, "no AWS credentials: profile `nope` is not in \(path)")) {
                try AWSCredentials.resolve(
                    environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "nope"], homeDirectory: "/nonexistent")
            }
            #expect(throws: AWSError(.credentials, "profile `broken` in \(path) has no aws_secret_access_key")) {
                try AWSCredentials.resolve(
                    environment: ["AWS_SHARED_CREDENTIALS_FILE": path, "AWS_PROFILE": "broken"], homeDirectory: "/nonexistent")
            }
        }
    }

    @Test func nothingAtAllSaysWhatToSet() {
        #expect(
            throws: AWSError(
                .credentials,
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile `default` to /nonexistent/.aws/credentials"
            )
        ) {
            try AWSCredentials.resolve(environment: [:], homeDirectory: "/nonexistent")
        }
    }

    @Test func descriptionNeverShowsTheSecret() {
        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "SUPERSECRET", sessionToken: "TOKENSECRET")
        let shown = [
            credentials.description, credentials.debugDescription, String(describing: credentials), "\(credentials)",
            String(reflecting: credentials), { var text = ""; dump(credentials, to: &text); return text }(),
        ]
        for text in shown {
            #expect(!text.contains("SUPERSECRET"))
            #expect(!text.contains("TOKENSECRET"))
            #expect(!text.contains("AKIAIOSFODNN7"))
        }
        #expect(credentials.description.contains("…MPLE"))
    }
}
