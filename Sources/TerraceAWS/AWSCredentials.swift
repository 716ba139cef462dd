import Foundation

/// An AWS access key pair, with a session token for temporary credentials.
///
/// Its ``description`` shows only the key id's last four characters, never the secret or the token.
public struct AWSCredentials: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key id (`AKIA…`).
    public var accessKeyId: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials.
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Finds credentials as the AWS CLI does: the environment, then the shared credentials file.
    ///
    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`; without them, the profile
    /// `AWS_PROFILE` (or `default`) of `AWS_SHARED_CREDENTIALS_FILE` (or `~/.aws/credentials`).
    /// - Parameters:
    ///   - environment: the environment variables; the process's by default.
    ///   - homeDirectory: the folder `~` stands for; `HOME` or the user's home by default.
    /// - Throws: ``AWSError`` with code `credentials`, naming what is missing.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String? = nil
    ) throws(AWSError) -> AWSCredentials {
        let accessKeyId = environment["AWS_ACCESS_KEY_ID"].flatMap(nonEmpty)
        let secretAccessKey = environment["AWS_SECRET_ACCESS_KEY"].flatMap(nonEmpty)
        switch (accessKeyId, secretAccessKey) {
        case (let accessKeyId?, let secretAccessKey?):
            return AWSCredentials(
                accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
                sessionToken: environment["AWS_SESSION_TOKEN"].flatMap(nonEmpty))
        case (.some, nil):
            throw AWSError(.credentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, .some):
            throw AWSError(.credentials, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case (nil, nil):
            break
        }
        let profile = environment["AWS_PROFILE"].flatMap(nonEmpty) ?? "default"
        let path: String
        if let file = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap(nonEmpty) {
            path = expandTilde(file, home: homeDirectory ?? environment["HOME"])
        } else {
            let home = homeDirectory ?? environment["HOME"].flatMap(nonEmpty) ?? NSHomeDirectory()
            path = home + "/.aws/credentials"
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AWSError(
                .credentials,
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile `\(profile)` to \(path)"
            )
        }
        return try fromSharedFile(String(decoding: data, as: UTF8.self), profile: profile, path: path)
    }

    /// Reads `profile` from the text of a shared credentials file (INI: `[profile]` then `key = value` lines).
    /// - Parameter path: the file's path, for messages.
    /// - Throws: ``AWSError`` with code `credentials` when the profile or one of its keys is missing.
    public static func fromSharedFile(_ text: String, profile: String, path: String) throws(AWSError) -> AWSCredentials {
        let profiles = parseINI(text)
        guard let values = profiles[profile] ?? profiles["profile " + profile] else {
            throw AWSError(.credentials, "no AWS credentials: profile `\(profile)` is not in \(path)")
        }
        guard let accessKeyId = values["aws_access_key_id"].flatMap(nonEmpty) else {
            throw AWSError(.credentials, "profile `\(profile)` in \(path) has no aws_access_key_id")
        }
        guard let secretAccessKey = values["aws_secret_access_key"].flatMap(nonEmpty) else {
            throw AWSError(.credentials, "profile `\(profile)` in \(path) has no aws_secret_access_key")
        }
        return AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey,
            sessionToken: values["aws_session_token"].flatMap(nonEmpty))
    }

    /// The sections of an INI text and their `key = value` pairs; keys are lowercased, comments (`#`, `;`) dropped.
    static func parseINI(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[line.startIndex..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
        return sections
    }

    private static func nonEmpty(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func expandTilde(_ path: String, home: String?) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (home ?? NSHomeDirectory()) + path.dropFirst()
    }

    /// The key id's last four characters; the secret and token are never shown.
    public var description: String {
        "AWSCredentials(accessKeyId: …\(accessKeyId.suffix(4)), secretAccessKey: <redacted>"
            + (sessionToken == nil ? ")" : ", sessionToken: <redacted>)")
    }

    public var debugDescription: String { description }

    /// Hides the secret from `dump` and debuggers too.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": "…\(accessKeyId.suffix(4))", "secretAccessKey": "<redacted>"])
    }
}
