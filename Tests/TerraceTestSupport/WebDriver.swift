import Foundation

/// A small W3C WebDriver client (https://www.w3.org/TR/webdriver2/) over HTTP, for one browser session a
/// ``ChromeDriver`` opened: navigate, find elements, click, type, read the page, take screenshots.
///
/// Waits poll the page until a condition holds or a deadline passes, then fail with what the page showed; nothing
/// here asserts on how long something took.
public final class WebDriver: Sendable {
    /// The driver's base URL, `http://127.0.0.1:PORT`.
    public let endpoint: String
    /// The session id.
    public let sessionID: String

    /// The JSON key of an element reference.
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    init(endpoint: String, sessionID: String) {
        self.endpoint = endpoint
        self.sessionID = sessionID
    }

    // MARK: Navigation and page

    /// Opens `url` and waits until the page loaded.
    public func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// The current URL.
    public func currentURL() async throws -> String {
        try await command("GET", "/url") as? String ?? ""
    }

    /// The page's title.
    public func title() async throws -> String {
        try await command("GET", "/title") as? String ?? ""
    }

    /// The page's current DOM, serialised (it includes what scripts added since it loaded).
    public func source() async throws -> String {
        try await command("GET", "/source") as? String ?? ""
    }

    /// The text a user sees on the page (`document.body.innerText`).
    public func bodyText() async throws -> String {
        try await execute("return document.body ? document.body.innerText : '';") as? String ?? ""
    }

    /// Runs `script` in the page (as a function body, `arguments` holding `args`) and returns what it returns.
    @discardableResult
    public func execute(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": args])
    }

    /// Runs `script` as an asynchronous function: it gets a callback as its last argument and calls it with the result.
    @discardableResult
    public func executeAsync(_ script: String, _ args: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/async", ["script": script, "args": args])
    }

    /// Goes back in history.
    public func back() async throws {
        _ = try await command("POST", "/back", [String: Any]())
    }

    /// Reloads the page.
    public func refresh() async throws {
        _ = try await command("POST", "/refresh", [String: Any]())
    }

    /// A PNG of the viewport.
    public func screenshot() async throws -> Data {
        guard let base64 = try await command("GET", "/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw HarnessError("WebDriver: the screenshot was not base64 PNG data")
        }
        return data
    }

    /// A PNG of the whole page, taller than the viewport if the page is: the window is resized to the page's height
    /// (at most `maxHeight`) for the shot, then back.
    public func fullPageScreenshot(maxHeight: Int = 4_000) async throws -> Data {
        let rect = try await windowRect()
        let height = (try await execute(
            "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0);") as? Int) ?? rect.height
        // The window's outer height includes the browser's own bars: add what the viewport lacks.
        let viewport = (try await execute("return window.innerHeight;") as? Int) ?? rect.height
        let wanted = min(maxHeight, rect.height + max(0, height - viewport))
        if wanted > rect.height { try await setWindowRect(width: rect.width, height: wanted) }
        let shot = try await screenshot()
        if wanted > rect.height { try await setWindowRect(width: rect.width, height: rect.height) }
        return shot
    }

    /// Where the tests keep screenshots as CI artifacts: `$TERRACE_ARTIFACTS_DIR/screenshots`, else
    /// `<repository>/.artifacts/screenshots`.
    public static var screenshotsFolder: URL {
        if let folder = ProcessInfo.processInfo.environment["TERRACE_ARTIFACTS_DIR"], !folder.isEmpty {
            return URL(fileURLWithPath: folder).appendingPathComponent("screenshots")
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.artifacts/screenshots").standardizedFileURL
    }

    /// Saves a PNG of the page (the whole page when `fullPage`) as `<screenshotsFolder>/<name>.png`; returns its path.
    @discardableResult
    public func saveScreenshot(_ name: String, fullPage: Bool = true) async throws -> URL {
        let data = fullPage ? try await fullPageScreenshot() : try await screenshot()
        let folder = Self.screenshotsFolder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name + ".png")
        try data.write(to: file)
        return file
    }

    /// The window's size.
    public func windowRect() async throws -> (width: Int, height: Int) {
        let value = try await command("GET", "/window/rect") as? [String: Any]
        return ((value?["width"] as? Int) ?? 0, (value?["height"] as? Int) ?? 0)
    }

    /// Resizes the window.
    public func setWindowRect(width: Int, height: Int) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// The browser console's messages since the last call (level and text): script errors, Content Security
    /// Policy violations, failed loads.
    public func consoleLog() async throws -> [(level: String, message: String)] {
        let value = try await command("POST", "/se/log", ["type": "browser"])
        return (value as? [[String: Any]] ?? []).map { (($0["level"] as? String) ?? "", ($0["message"] as? String) ?? "") }
    }

    // MARK: Cookies

    /// The cookies the browser holds for the current page: name, value, and flags.
    public func cookies() async throws -> [[String: Any]] {
        try await command("GET", "/cookie") as? [[String: Any]] ?? []
    }

    /// Deletes every cookie of the current page.
    public func deleteCookies() async throws {
        _ = try await command("DELETE", "/cookie")
    }

    // MARK: Elements

    /// The first element matching the CSS selector, or nil.
    public func find(_ selector: String) async throws -> Element? {
        try await findAll(selector).first
    }

    /// Every element matching the CSS selector.
    public func findAll(_ selector: String) async throws -> [Element] {
        let value = try await command("POST", "/elements", ["using": "css selector", "value": selector])
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Self.elementKey] as? String).map { Element(driver: self, id: $0) } }
    }

    /// Every element matching the XPath expression.
    public func findAll(xpath: String) async throws -> [Element] {
        let value = try await command("POST", "/elements", ["using": "xpath", "value": xpath])
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Self.elementKey] as? String).map { Element(driver: self, id: $0) } }
    }

    /// The first button (a `<button>` or `<input type=submit>`) whose visible text or value starts with `label`
    /// (case-insensitive, surrounding spaces ignored), or nil.
    public func button(_ label: String) async throws -> Element? {
        let lower = "translate(normalize-space(%@), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        let wanted = label.lowercased().replacingOccurrences(of: "'", with: "")
        let text = lower.replacingOccurrences(of: "%@", with: ".")
        let value = lower.replacingOccurrences(of: "%@", with: "@value")
        return try await findAll(
            xpath: "//button[starts-with(\(text), '\(wanted)')] | //input[@type='submit' and starts-with(\(value), '\(wanted)')]"
        ).first
    }

    /// The first link whose visible text contains `text`, or nil.
    public func link(containing text: String) async throws -> Element? {
        try await findAll(xpath: "//a[contains(normalize-space(.), '\(text.replacingOccurrences(of: "'", with: ""))')]").first
    }

    /// An element of the page.
    public struct Element: Sendable {
        let driver: WebDriver
        /// The driver's id for it.
        public let id: String

        /// Clicks it (and waits for a navigation it starts).
        public func click() async throws {
            _ = try await driver.command("POST", "/element/\(id)/click", [String: Any]())
        }

        /// Types `text` into it.
        public func type(_ text: String) async throws {
            _ = try await driver.command("POST", "/element/\(id)/value", ["text": text])
        }

        /// Empties an input.
        public func clear() async throws {
            _ = try await driver.command("POST", "/element/\(id)/clear", [String: Any]())
        }

        /// Its rendered text.
        public func text() async throws -> String {
            try await driver.command("GET", "/element/\(id)/text") as? String ?? ""
        }

        /// An attribute, or nil.
        public func attribute(_ name: String) async throws -> String? {
            try await driver.command("GET", "/element/\(id)/attribute/\(name)") as? String
        }

        /// A DOM property (such as `value`), or nil.
        public func property(_ name: String) async throws -> Any? {
            try await driver.command("GET", "/element/\(id)/property/\(name)")
        }

        /// Its tag name.
        public func tagName() async throws -> String {
            try await driver.command("GET", "/element/\(id)/name") as? String ?? ""
        }

        /// Whether it is displayed.
        public func isDisplayed() async throws -> Bool {
            try await driver.command("GET", "/element/\(id)/displayed") as? Bool ?? false
        }

        /// Its size and position on the page, in CSS pixels.
        public func rect() async throws -> (x: Double, y: Double, width: Double, height: Double) {
            let value = try await driver.command("GET", "/element/\(id)/rect") as? [String: Any]
            func number(_ key: String) -> Double { (value?[key] as? NSNumber)?.doubleValue ?? 0 }
            return (number("x"), number("y"), number("width"), number("height"))
        }
    }

    // MARK: Waiting

    /// Polls `condition` every 200 ms until it holds, for at most `timeout` seconds; on timeout throws with `what`,
    /// the URL and the visible text of the page (the end of it, when long), and the last error a check threw.
    public func waitUntil(_ what: String, timeout: Double = 120, _ condition: () async throws -> Bool) async throws {
        do {
            try await ServeProcess.waitUntil(what, timeout: timeout, condition)
        } catch let error as HarnessError {
            throw HarnessError("\(error.description)\n\(await describePage())")
        }
    }

    /// Waits until an element matches `selector` and returns it.
    @discardableResult
    public func waitFor(_ selector: String, timeout: Double = 120) async throws -> Element {
        var found: Element?
        try await waitUntil("an element `\(selector)`", timeout: timeout) {
            found = try await find(selector)
            return found != nil
        }
        guard let found else { throw HarnessError("unreachable") }
        return found
    }

    /// Waits until the page's visible text contains `text`.
    public func waitForText(_ text: String, timeout: Double = 120) async throws {
        try await waitUntil("the text `\(text)` on the page", timeout: timeout) { try await bodyText().contains(text) }
    }

    /// The URL and visible text of the page, shortened, for failure messages.
    public func describePage(limit: Int = 3_000) async -> String {
        let url = (try? await currentURL()) ?? "?"
        var text = (try? await bodyText()) ?? "(the page's text could not be read)"
        if text.count > limit { text = "…" + text.suffix(limit) }
        let console = ((try? await consoleLog()) ?? []).filter { $0.level == "SEVERE" || $0.level == "WARNING" }.map(\.message)
        let problems = console.isEmpty ? "" : "\n--- the browser's console:\n" + console.suffix(20).joined(separator: "\n")
        return "--- the page at \(url) showed:\n\(text)\(problems)"
    }

    // MARK: Protocol

    /// Sends one command of this session and returns its `value`; a WebDriver error becomes a ``HarnessError`` with
    /// its `error` and `message`.
    @discardableResult
    func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await Self.send(method, endpoint + "/session/\(sessionID)" + path, body)
    }

    /// Sends a request to a WebDriver endpoint and returns the `value` of its JSON answer.
    ///
    /// It speaks HTTP/1.1 over a plain loopback socket on a thread of its own: FoundationNetworking's URLSession
    /// (curl) rejects chromedriver's headers ("Failed writing header": no space after the colon), and a navigation
    /// can block for minutes, which must not hold one of Swift concurrency's few threads.
    static func send(_ method: String, _ url: String, _ body: [String: Any]?, timeout: Double = 300) async throws -> Any? {
        guard let target = URLComponents(string: url), target.host == "127.0.0.1", let port = target.port else {
            throw HarnessError("WebDriver: \(url) is not a loopback URL")
        }
        let path = target.percentEncodedPath
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, data) = try await Blocking.run { try exchange(port: port, method: method, path: path, body: payload, timeout: timeout) }
        let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let value = (object as? [String: Any])?["value"]
        guard (200..<300).contains(status) else {
            let details = value as? [String: Any]
            let error = details?["error"] as? String ?? "HTTP \(status)"
            let message = (details?["message"] as? String ?? String(decoding: data.prefix(500), as: UTF8.self))
                .split(separator: "\n").prefix(3).joined(separator: " ")
            throw HarnessError("WebDriver \(method) \(path): \(error): \(message)")
        }
        return value is NSNull ? nil : value
    }

    /// One HTTP/1.1 exchange with 127.0.0.1:`port` (`Connection: close`), blocking; returns the status and the body.
    static func exchange(port: Int, method: String, path: String, body: Data?, timeout: Double) throws -> (Int, Data) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("WebDriver: no socket (errno \(errno))") }
        defer { close(descriptor) }
        var limit = timeval(tv_sec: Int(timeout.rounded(.up)), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("WebDriver: cannot connect to 127.0.0.1:\(port) (errno \(errno))") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\nConnection: close\r\n"
        if let body {
            head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
        } else if method != "GET" && method != "DELETE" {
            head += "Content-Length: 0\r\n"
        }
        var request = Data((head + "\r\n").utf8)
        if let body { request.append(body) }
        try request.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            var sent = 0
            while sent < buffer.count {
                let count = Foundation.send(descriptor, base + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                guard count > 0 else { throw HarnessError("WebDriver: sending to 127.0.0.1:\(port) failed (errno \(errno))") }
                sent += count
            }
        }
        var response = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let separator = Data("\r\n\r\n".utf8)
        var bodyStart: Int?
        var contentLength: Int?
        var chunked = false
        var status = 0
        while true {
            if let start = bodyStart, let length = contentLength, response.count - start >= length { break }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count == 0 { break }
            guard count > 0 else {
                throw HarnessError("WebDriver: no answer from 127.0.0.1:\(port) to \(method) \(path) within \(Int(timeout)) s (errno \(errno))")
            }
            response.append(contentsOf: chunk[0..<count])
            if bodyStart == nil, let range = response.range(of: separator) {
                bodyStart = range.upperBound
                let lines = String(decoding: response[..<range.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                let statusParts = lines.first?.split(separator: " ") ?? []
                status = statusParts.count > 1 ? Int(statusParts[1]) ?? 0 : 0
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if name == "content-length" { contentLength = Int(value) }
                    if name == "transfer-encoding", value.lowercased().contains("chunked") { chunked = true }
                }
            }
        }
        guard let start = bodyStart else { throw HarnessError("WebDriver: 127.0.0.1:\(port) answered no HTTP header") }
        var payload = Data(response[start...])
        if let contentLength, payload.count > contentLength { payload = payload.prefix(contentLength) }
        if chunked { payload = dechunk(payload) }
        return (status, payload)
    }

    /// The body of a chunked transfer.
    static func dechunk(_ data: Data) -> Data {
        var result = Data()
        var index = data.startIndex
        let newline = Data("\r\n".utf8)
        while let line = data.range(of: newline, in: index..<data.endIndex) {
            let sizeText = String(decoding: data[index..<line.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = line.upperBound
            let end = min(data.endIndex, start + size)
            result.append(data[start..<end])
            index = min(data.endIndex, end + 2)
        }
        return result
    }
}
