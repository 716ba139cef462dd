import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real OpenID Connect provider on 127.0.0.1 and a free port: `oidc-provider-mock` from PyPI
/// (`pip install oidc-provider-mock==0.3.4`), for sign-in tests.
///
/// It runs with `--require-registration true` (only clients registered with ``registerClient(redirectURI:)`` may
/// sign in, with their secret and exactly their redirect URI) and `--require-nonce true`. Its users are given at
/// start with their claims (`groups` among them); its authorization page shows one button per user, which the
/// browser clicks to sign in as that user. Stop it with ``stop()``.
public final class OIDCProviderMock: @unchecked Sendable {
    /// A user the provider knows, with the claims its ID token carries.
    public struct User: Sendable {
        /// The subject.
        public var subject: String
        /// The display name (`name` claim).
        public var name: String
        /// The `email` claim.
        public var email: String
        /// The `groups` claim.
        public var groups: [String]

        /// Creates a user.
        public init(subject: String, name: String, email: String, groups: [String]) {
            self.subject = subject
            self.name = name
            self.email = email
            self.groups = groups
        }

        var claimsJSON: String {
            let object: [String: Any] = ["sub": subject, "name": name, "email": email, "email_verified": true, "groups": groups]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// A client registered with the provider.
    public struct Client: Sendable {
        /// The client id.
        public let id: String
        /// The client secret (never print it).
        public let secret: String
    }

    /// The port it listens on.
    public let port: Int
    /// Its log.
    public let logPath: String
    private let process: Process

    /// The issuer URL, `http://127.0.0.1:PORT` (the provider names itself after the host it is asked on).
    public var issuer: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, logPath: String, process: Process) {
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    /// Whether `oidc-provider-mock` is installed for `python3`.
    public static var isInstalled: Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import oidc_provider_mock"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// Starts the provider with `users`, writing its log into `folder`, and waits until its discovery document
    /// answers.
    public static func start(users: [User], in folder: URL, timeout: Double = 60) async throws -> OIDCProviderMock {
        let port = try MotoServer.freePort()
        let logPath = folder.appendingPathComponent("oidc-provider-\(port).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        // Unblock the signals a process started from a Swift concurrency thread inherits blocked, then run the
        // provider's command line.
        let launcher =
            "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
            + "sys.argv = ['oidc-provider-mock'] + sys.argv[1:]; "
            + "runpy.run_module('oidc_provider_mock', run_name='__main__', alter_sys=True)"
        var arguments = [
            "python3", "-c", launcher, "--host", "127.0.0.1", "--port", "\(port)", "--require-registration", "true",
            "--require-nonce", "true",
        ]
        for user in users { arguments += ["--user-claims", user.claimsJSON] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["PYTHONWARNINGS"] = "ignore"
        process.environment = environment
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let provider = OIDCProviderMock(port: port, logPath: logPath, process: process)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let (status, _) = try? await provider.request("GET", "/.well-known/openid-configuration"), status == 200 {
                return provider
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        provider.stop()
        let installed = isInstalled ? "" : " (install it with `pip install oidc-provider-mock==0.3.4`)"
        throw HarnessError("oidc-provider-mock did not start on port \(port)\(installed):\n\(provider.log)")
    }

    /// Registers a client (OAuth 2.0 dynamic client registration) allowed to redirect to `redirectURI` only,
    /// authenticating at the token endpoint with HTTP Basic (the default when a provider names no method).
    public func registerClient(redirectURI: String) async throws -> Client {
        let body = try JSONSerialization.data(withJSONObject: [
            "redirect_uris": [redirectURI], "token_endpoint_auth_method": "client_secret_basic",
        ])
        let (status, data) = try await request("POST", "/oauth2/clients", body: body)
        guard status == 201, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let id = object["client_id"] as? String, let secret = object["client_secret"] as? String
        else {
            throw HarnessError("oidc-provider-mock refused to register a client: HTTP \(status)")
        }
        return Client(id: id, secret: secret)
    }

    /// Everything it logged so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Stops the provider.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func request(_ method: String, _ path: String, body: Data? = nil) async throws -> (Int, Data) {
        guard let url = URL(string: issuer + path) else { throw HarnessError("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
