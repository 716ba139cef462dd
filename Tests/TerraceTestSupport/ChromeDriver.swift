import Foundation
import Synchronization

/// `chromedriver` on 127.0.0.1 and a port it picks, opening headless Chromium sessions (Debian's `chromium` and
/// `chromium-driver` packages) for browser tests; stopped by the test, browsers included.
///
/// Prefer ``with(_:)``, which always stops it. ``missing`` says why browser tests cannot run on this machine.
public final class ChromeDriver: @unchecked Sendable {
    /// The port chromedriver listens on.
    public let port: Int
    /// Its scratch folder: log, browser profiles.
    public let folder: URL
    /// The Chromium binary sessions start.
    public let browser: String
    private let process: Process
    private let sessions = Mutex<[WebDriver]>([])

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// A browser window's size.
    public enum WindowSize: Sendable {
        /// A desktop window, 1280×900.
        case desktop
        /// A phone: a 390×844 viewport with touch, as Chrome's device emulation makes it.
        case phone
    }

    private init(port: Int, folder: URL, browser: String, process: Process) {
        self.port = port
        self.folder = folder
        self.browser = browser
        self.process = process
    }

    /// Whether the tests run under CI (`CI=true`), where a missing browser is a failure, not a skip.
    public static var isCI: Bool {
        ["true", "1", "yes"].contains((ProcessInfo.processInfo.environment["CI"] ?? "").lowercased())
    }

    /// The chromedriver binary: `TERRACE_TEST_CHROMEDRIVER`, else `chromedriver` on the PATH.
    public static var driverPath: String? {
        if let path = ProcessInfo.processInfo.environment["TERRACE_TEST_CHROMEDRIVER"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        return executable(named: "chromedriver")
    }

    /// The browser binary: `TERRACE_TEST_CHROMIUM`, else `chromium` (Debian), `chromium-browser` or `google-chrome` on
    /// the PATH.
    public static var browserPath: String? {
        if let path = ProcessInfo.processInfo.environment["TERRACE_TEST_CHROMIUM"], !path.isEmpty {
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        return ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { executable(named: $0) }.first
    }

    /// Why browser tests cannot run here (what to install), or nil when they can.
    public static var missing: String? {
        var absent: [String] = []
        if browserPath == nil { absent.append("chromium") }
        if driverPath == nil { absent.append("chromedriver") }
        guard !absent.isEmpty else { return nil }
        return "\(absent.joined(separator: " and ")) not found: install them with `apt-get install -y chromium chromium-driver`"
    }

    /// Whether browser tests should run: everything is installed, or this is CI (where a missing browser fails them).
    public static var shouldRun: Bool { missing == nil || isCI }

    static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts chromedriver and waits until it is ready; throws what to install when Chromium or chromedriver is
    /// missing.
    public static func start(timeout: Double = 60) async throws -> ChromeDriver {
        if let missing { throw HarnessError("browser tests cannot run: \(missing)") }
        guard let driver = driverPath, let browser = browserPath else { throw HarnessError("unreachable") }
        let port = try MotoServer.freePort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("terrace-chrome-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logPath = folder.appendingPathComponent("chromedriver.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1", "--log-path=\(logPath)"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw HarnessError("cannot run \(driver): \(error)")
        }
        let chrome = ChromeDriver(port: port, folder: folder, browser: browser, process: process)
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var lastProblem = ""
            do {
                let status = try await WebDriver.send("GET", chrome.endpoint + "/status", nil, timeout: 2) as? [String: Any]
                if (status?["ready"] as? NSNumber)?.boolValue == true || status?["ready"] as? Bool == true { return chrome }
                lastProblem = "not ready: \(String(describing: status))"
            } catch {
                lastProblem = "\(error)"
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
            if Date() >= deadline {
                let log = chrome.log
                await chrome.stop()
                throw HarnessError("chromedriver did not get ready on port \(port) (\(lastProblem)):\n\(log)")
            }
        }
        let log = chrome.log
        await chrome.stop()
        throw HarnessError("chromedriver did not start on port \(port) (it exited with \(process.terminationStatus)):\n\(log)")
    }

    /// Runs `body` with a fresh chromedriver and stops it and its browsers afterwards, whatever happens.
    public static func with<T>(_ body: (ChromeDriver) async throws -> T) async throws -> T {
        let chrome = try await start()
        do {
            let result = try await body(chrome)
            await chrome.stop()
            return result
        } catch {
            await chrome.stop()
            throw error
        }
    }

    /// What chromedriver logged, the end of it.
    public var log: String {
        let text = (try? String(contentsOf: folder.appendingPathComponent("chromedriver.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
    }

    /// Opens a headless Chromium session with its own empty profile (no cookies shared with other sessions).
    public func newSession(_ size: WindowSize = .desktop) async throws -> WebDriver {
        let index = sessions.withLock { $0.count }
        let profile = folder.appendingPathComponent("profile-\(index)-\(UUID().uuidString.prefix(8))").path
        var arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-sync",
            "--password-store=basic", "--user-data-dir=\(profile)", "--lang=en-US", "--hide-scrollbars",
        ]
        var options: [String: Any] = ["binary": browser]
        switch size {
        case .desktop:
            arguments.append("--window-size=1280,900")
        case .phone:
            arguments.append("--window-size=390,844")
            options["mobileEmulation"] = ["deviceMetrics": ["width": 390, "height": 844, "pixelRatio": 2, "touch": true]]
        }
        options["args"] = arguments
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome", "goog:chromeOptions": options, "pageLoadStrategy": "normal",
                    "goog:loggingPrefs": ["browser": "ALL"],
                    "timeouts": ["pageLoad": 120_000, "script": 60_000, "implicit": 0],
                ] as [String: Any]
            ]
        ]
        let value: Any?
        do {
            value = try await WebDriver.send("POST", endpoint + "/session", capabilities)
        } catch {
            throw HarnessError("could not open a Chromium session (\(browser)): \(error)\n--- chromedriver's log:\n\(log)")
        }
        guard let id = (value as? [String: Any])?["sessionId"] as? String else {
            throw HarnessError("chromedriver answered no session id: \(String(describing: value))")
        }
        let driver = WebDriver(endpoint: endpoint, sessionID: id)
        sessions.withLock { $0.append(driver) }
        return driver
    }

    /// Closes one session (its browser quits).
    public func close(_ driver: WebDriver) async {
        _ = try? await WebDriver.send("DELETE", endpoint + "/session/\(driver.sessionID)", nil, timeout: 30)
        sessions.withLock { $0.removeAll { $0.sessionID == driver.sessionID } }
    }

    /// Closes every session, stops chromedriver and every browser process it started, and removes the scratch folder.
    public func stop() async {
        for driver in sessions.withLock({ $0 }) { await close(driver) }
        if process.isRunning {
            let victims = [process.processIdentifier] + ServeProcess.descendants(of: process.processIdentifier)
            for pid in victims { kill(pid, SIGKILL) }
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
