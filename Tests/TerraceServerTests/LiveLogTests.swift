import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TerraceCore
import TerraceTestSupport

@testable import TerraceServer

#if canImport(Glibc)
    import Glibc

    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Glibc.connect(fd, address, length)
    }
    private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
#elseif canImport(Darwin)
    import Darwin

    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
        Darwin.connect(fd, address, length)
    }
    private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
#endif

/// The live log stream (`GET /ui/runs/{id}/units/{unit}/log/stream`): lines written while the stream is open arrive in
/// order, once, with ids a reconnect resumes from; finished runs come from the store; text is only ever data; names
/// that are not a run's unit answer 404. Streams that must stay open run against a real server on 127.0.0.1.
@Suite struct LiveLogTests {
    static let runID = "20260101T000000Z-abc123"

    struct Fixture {
        let store = InMemoryServiceStore()
        let logRoot: String
        let dependencies: ServerDependencies

        init(logRoot: String?) {
            self.logRoot = logRoot ?? ""
            let reconciler = Reconciler(store: store, environment: FakeReconcileEnvironment(), settings: ReconcilerSettings(replica: "live"))
            var dependencies = ServerDependencies(
                reconciler: reconciler, store: store, metrics: ServiceMetrics(), token: AdminToken(hash: String(repeating: "0", count: 64)),
                webhook: WebhookVerifier(secret: nil), branch: "main")
            dependencies.logRoot = logRoot
            self.dependencies = dependencies
        }

        var logPath: String { "\(logRoot)/\(LiveLogTests.runID)/web/app.log" }

        func router() -> Router<WebRequestContext> {
            let router = Router(context: WebRequestContext.self)
            router.addRoutes(LiveLogController(dependencies: dependencies).routes, atPath: "ui")
            return router
        }

        /// A run of `web` (units `app` and `db`) with `status`.
        func saveRun(_ status: ServiceRun.Status, results: [UnitResult] = []) async throws {
            try await store.saveInfrastructure(InfrastructureStatus(name: "web", units: [UnitStatus(name: "app"), UnitStatus(name: "db")]))
            try await store.saveRun(
                ServiceRun(
                    id: LiveLogTests.runID, infrastructure: "web", revision: "r1", trigger: .push, status: status, replica: "live",
                    queuedAt: Date(), startedAt: Date(), results: results))
        }

        func append(_ text: String) throws { try append(Data(text.utf8)) }

        func append(_ data: Data) throws {
            try FileManager.default.createDirectory(
                atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: logPath) {
                #expect(FileManager.default.createFile(atPath: logPath, contents: nil))
            }
            let handle = try #require(FileHandle(forWritingAtPath: logPath))
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            try handle.close()
        }

        /// Runs the router on a real server on 127.0.0.1, on a free port this test picks, and stops it after `body`.
        func live(_ body: @Sendable (Int) async throws -> Void) async throws {
            let port = try freePort()
            let app = Application(
                router: router(), configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                do {
                    try await body(port)
                } catch {
                    group.cancelAll()
                    throw error
                }
                group.cancelAll()
            }
        }
    }

    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "terrace-live-log-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func streamURI(unit: String = "app", run: String = LiveLogTests.runID) -> String {
        "/ui/runs/\(run)/units/\(unit)/log/stream"
    }

    // MARK: - Live

    @Test func linesWrittenWhileTheStreamIsOpenArriveInOrderOnceWithResumableIDs() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder)
        try await fixture.saveRun(.running)
        try fixture.append("==> terraform init\nInitializing...\n")
        try await fixture.live { port in
            let stream = try await SSEConnection.open(port: port, path: Self.streamURI())
            defer { stream.close() }
            #expect(stream.status == 200)
            #expect(stream.headers["content-type"] == "text/event-stream")
            #expect(stream.headers["cache-control"] == "no-store")
            #expect(stream.headers["x-accel-buffering"] == "no")

            var expected = ["==> terraform init", "Initializing..."]
            var received: [SSEEvent] = []
            while received.count < expected.count { received.append(try await stream.nextEvent()) }
            // While the stream is open: one line at a time, then a line written in two pieces.
            for index in 0..<5 {
                let line = "line \(index): aws_s3_bucket.logs: Creating..."
                try fixture.append(line + "\n")
                expected.append(line)
                received.append(try await stream.nextEvent())
            }
            try fixture.append("Apply complete! Res")
            try fixture.append("ources: 1 added.\n")
            expected.append("Apply complete! Resources: 1 added.")
            received.append(try await stream.nextEvent())
            // The run ends with a last line that has no line break: it is sent, then `end`.
            try fixture.append("no newline at the end")
            expected.append("no newline at the end")
            try await fixture.saveRun(.succeeded)
            received.append(try await stream.nextEvent())
            let end = try await stream.nextEvent()

            #expect(received.map(\.type) == Array(repeating: "message", count: expected.count))
            #expect(received.map(\.data) == expected)
            // Each id is the byte offset just after its line in the file.
            let file = try Data(contentsOf: URL(fileURLWithPath: fixture.logPath))
            var offsets: [String] = []
            var offset = 0
            for line in expected {
                offset += line.utf8.count + 1
                offsets.append(String(min(offset, file.count)))
            }
            #expect(received.map(\.id) == offsets)
            #expect(end.type == "end")
            #expect(end.data == "succeeded")
            #expect(try await stream.nextEventOrEnd() == nil)
        }
    }

    @Test func aUnitThatHasNotStartedIsWaitedFor() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder)
        try await fixture.saveRun(.running)
        try await fixture.live { port in
            let stream = try await SSEConnection.open(port: port, path: Self.streamURI())
            defer { stream.close() }
            #expect(stream.status == 200)
            // The stream has started (its `retry:` preamble came) before the file exists.
            try await stream.waitForPreamble()
            #expect(!FileManager.default.fileExists(atPath: fixture.logPath))
            try fixture.append("==> terraform plan\n")
            let first = try await stream.nextEvent()
            #expect(first.data == "==> terraform plan")
            #expect(first.id == "19")
            try await fixture.saveRun(.failed)
            let end = try await stream.nextEvent()
            #expect(end.type == "end")
            #expect(end.data == "failed")
        }
    }

    @Test func aReconnectWithLastEventIDResumesAfterTheLastLineReceived() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder)
        try await fixture.saveRun(.running)
        try fixture.append("one\ntwo\n")
        try await fixture.live { port in
            let first = try await SSEConnection.open(port: port, path: Self.streamURI())
            let one = try await first.nextEvent()
            #expect(one.data == "one")
            first.close()  // the browser lost the connection after `one`
            try fixture.append("three\n")
            let second = try await SSEConnection.open(port: port, path: Self.streamURI() + "?from=0", lastEventID: one.id)
            defer { second.close() }
            #expect(try await second.nextEvent().data == "two")
            #expect(try await second.nextEvent().data == "three")
            try await fixture.saveRun(.succeeded)
            #expect(try await second.nextEvent().type == "end")
        }
    }

    // MARK: - Finished runs

    @Test func aFinishedRunIsSentFromItsFileFromTheOffsetAsked() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder)
        try await fixture.saveRun(.failed, results: [UnitResult(unit: "app", outcome: .failed)])
        try fixture.append("a\nbb\nccc\n")
        try await Application(router: fixture.router()).test(.router) { client in
            try await client.execute(uri: Self.streamURI(), method: .get) { response in
                #expect(response.status == .ok)
                let events = SSEParser.events(String(buffer: response.body))
                #expect(events.map(\.data) == ["a", "bb", "ccc", "failed"])
                #expect(events.map(\.id) == ["2", "5", "9", "9"])
                #expect(events.last?.type == "end")
            }
            try await client.execute(uri: Self.streamURI() + "?from=2", method: .get) { response in
                #expect(SSEParser.events(String(buffer: response.body)).map(\.data) == ["bb", "ccc", "failed"])
            }
            let lastEventID = try #require(HTTPField.Name("Last-Event-ID"))
            try await client.execute(uri: Self.streamURI() + "?from=0", method: .get, headers: [lastEventID: "5"]) { response in
                #expect(SSEParser.events(String(buffer: response.body)).map(\.data) == ["ccc", "failed"])
            }
            try await client.execute(uri: Self.streamURI(), method: .get, headers: [lastEventID: "9"]) { response in
                #expect(SSEParser.events(String(buffer: response.body)).map(\.type) == ["end"])
            }
            try await client.execute(uri: Self.streamURI() + "?from=-1", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func aFinishedRunWithoutItsFileIsSentFromTheStore() async throws {
        let fixture = Fixture(logRoot: nil)
        try await fixture.saveRun(.succeeded, results: [UnitResult(unit: "app", outcome: .applied)])
        try await fixture.store.saveLog(runID: Self.runID, unit: "app", text: "==> terraform apply\nApply complete!\n")
        try await Application(router: fixture.router()).test(.router) { client in
            try await client.execute(uri: Self.streamURI(), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/event-stream")
                let events = SSEParser.events(String(buffer: response.body))
                #expect(events.map(\.data) == ["==> terraform apply", "Apply complete!", "succeeded"])
                #expect(events.map(\.type) == ["message", "message", "end"])
                #expect(events.map(\.id) == ["20", "36", "36"])
            }
            try await client.execute(uri: Self.streamURI() + "?from=20", method: .get) { response in
                #expect(SSEParser.events(String(buffer: response.body)).map(\.data) == ["Apply complete!", "succeeded"])
            }
        }
    }

    // MARK: - Content is data

    @Test func linesAreDataNeverFieldsAndAreRepairedAndCut() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder)
        try await fixture.saveRun(.succeeded, results: [UnitResult(unit: "app", outcome: .applied)])
        let huge = String(repeating: "x", count: 70_000) + "é" + String(repeating: "y", count: 10)
        var bytes = Data("data: injected\nevent: end\nid: 999999\nretry: 1\n: comment\nprogress 10%\rprogress 100%\r\nwindows line\r\n".utf8)
        bytes.append(contentsOf: [0x62, 0x61, 0x64, 0xFF, 0xFE, 0x21, 0x0A])  // "bad", two invalid bytes, "!"
        bytes.append(Data((huge + "\nafter\n").utf8))
        try fixture.append(bytes)
        try await Application(router: fixture.router()).test(.router) { client in
            try await client.execute(uri: Self.streamURI(), method: .get) { response in
                let events = SSEParser.events(String(buffer: response.body))
                let messages = events.filter { $0.type == "message" }
                #expect(events.filter { $0.type == "end" }.count == 1)
                #expect(events.last?.type == "end")
                #expect(messages.count == 10)
                guard messages.count == 10 else { return }
                #expect(messages[0].data == "data: injected")
                #expect(messages[1].data == "event: end")
                #expect(messages[2].data == "id: 999999")
                #expect(messages[3].data == "retry: 1")
                #expect(messages[4].data == ": comment")
                // A carriage return inside a line is a line break for the browser, never the start of a field.
                #expect(messages[5].data == "progress 10%\nprogress 100%")
                #expect(messages[6].data == "windows line")
                #expect(messages[7].data == "bad\u{FFFD}\u{FFFD}!")
                #expect(messages[8].data.hasSuffix("more bytes of this line not shown]"))
                #expect(messages[9].data == "after")
                #expect(messages[2].id == String("data: injected\nevent: end\nid: 999999\n".utf8.count))
            }
        }
        // The huge line on its own: the part kept, the note, and an id after the whole line.
        try await Self.withEvents(of: Data((huge + "\n").utf8)) { events in
            let line = try #require(events.first)
            #expect(line.data.hasPrefix(String(repeating: "x", count: LogLineSplitter.maxLineBytes)))
            #expect(line.data.utf8.count < LogLineSplitter.maxLineBytes + 100)
            #expect(line.data.hasSuffix("[\(huge.utf8.count - LogLineSplitter.maxLineBytes) more bytes of this line not shown]"))
            #expect(line.id == String(huge.utf8.count + 1))
        }
    }

    @Test func aLineCutInsideACharacterLeavesTheWholeCharacterOut() {
        var splitter = LogLineSplitter(offset: 0)
        let prefix = String(repeating: "a", count: LogLineSplitter.maxLineBytes - 1)
        let lines = splitter.feed(Array((prefix + "é tail\n").utf8))
        #expect(lines.count == 1)
        #expect(lines.first?.text == prefix + " … [7 more bytes of this line not shown]")
        #expect(lines.first?.end == UInt64(LogLineSplitter.maxLineBytes - 1 + 8))
    }

    /// Checks the events the stream sends for a finished run whose log is `bytes`.
    static func withEvents(of bytes: Data, _ check: @escaping @Sendable ([SSEEvent]) throws -> Void) async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder)
        try await fixture.saveRun(.succeeded, results: [UnitResult(unit: "app", outcome: .applied)])
        try fixture.append(bytes)
        try await Application(router: fixture.router()).test(.router) { client in
            try await client.execute(uri: Self.streamURI(), method: .get) { try check(SSEParser.events(String(buffer: $0.body))) }
        }
    }

    // MARK: - Names

    @Test func namesThatAreNotTheRunsUnitsAnswer404() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = Fixture(logRoot: folder + "/logs")
        try await fixture.saveRun(.succeeded, results: [UnitResult(unit: "app", outcome: .applied)])
        try fixture.append("fine\n")
        // Files a traversal would aim at.
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: folder + "/secret.log"))
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: fixture.logRoot + "/\(Self.runID)/web/.log"))
        try await Application(router: fixture.router()).test(.router) { client in
            try await client.execute(uri: Self.streamURI(), method: .get) { #expect($0.status == .ok) }
            for uri in [
                Self.streamURI(unit: ".."), Self.streamURI(unit: "..%2F..%2F..%2Fsecret"), Self.streamURI(unit: "%2E%2E"),
                Self.streamURI(unit: "App"), Self.streamURI(unit: "app.log"), Self.streamURI(unit: "nope"),
                Self.streamURI(unit: "app%00"), Self.streamURI(unit: "-"), Self.streamURI(run: ".."),
                Self.streamURI(run: "..%2F..%2Flogs"), Self.streamURI(run: "20990101T000000Z-ffffff"),
                "/ui/runs/\(Self.runID)/units//log/stream",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(!String(buffer: response.body).contains("secret"), "\(uri)")
                }
            }
            // `db` is one of the infrastructure's units: it has no log in this run, which ends at once.
            try await client.execute(uri: Self.streamURI(unit: "db"), method: .get) { response in
                #expect(response.status == .ok)
                #expect(SSEParser.events(String(buffer: response.body)).map(\.type) == ["end"])
            }
        }
    }

    // MARK: - Page snapshot

    @Test func aSnapshotHasCompleteLinesAndTheOffsetTheStreamContinuesFrom() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/app.log"
        try Data("one\ntwo\nthr".utf8).write(to: URL(fileURLWithPath: path))
        #expect(LiveLogFiles.snapshot(path: path) == .init(text: "one\ntwo\n", offset: 8, start: 0))
        #expect(LiveLogFiles.snapshot(path: path, maxBytes: 7) == .init(text: "two\n", offset: 8, start: 4))
        #expect(LiveLogFiles.snapshot(path: path, maxBytes: 6) == .init(text: "", offset: 8, start: 8))
        #expect(LiveLogFiles.snapshot(path: path, maxBytes: 2) == .init(text: "", offset: 8, start: 8))
        #expect(LiveLogFiles.snapshot(path: folder + "/missing.log") == nil)
        // A window inside one long line that has not ended: nothing shown, the stream starts at that line.
        try Data("one\n".utf8 + Array(repeating: UInt8(ascii: "x"), count: 100_000)).write(to: URL(fileURLWithPath: path))
        #expect(LiveLogFiles.snapshot(path: path, maxBytes: 10) == .init(text: "", offset: 4, start: 4))
        #expect(LiveLogFiles.path(logRoot: "/l", runID: "r-1", infrastructure: "web", unit: "app") == "/l/r-1/web/app.log")
        #expect(LiveLogFiles.path(logRoot: "/l", runID: "..", infrastructure: "web", unit: "app") == nil)
        #expect(LiveLogFiles.path(logRoot: "/l", runID: "r", infrastructure: "../x", unit: "app") == nil)
        #expect(LiveLogFiles.path(logRoot: "/l", runID: "r", infrastructure: "web", unit: "a/b") == nil)
    }
}

// MARK: - A client that reads a stream as it comes

extension LiveLogTests {
    /// One Server-Sent Event as a browser dispatches it.
    struct SSEEvent: Hashable, Sendable {
        var type: String
        var data: String
        /// The last event id in effect when it was dispatched.
        var id: String?
    }

    /// The WHATWG event-stream parser: lines end at CRLF, LF or CR; a blank line dispatches; `:` starts a comment;
    /// one space after the colon is dropped; `data` lines are joined with `\n`; an event with no data is not dispatched.
    struct SSEParser {
        private var line: [UInt8] = []
        private var lastWasCR = false
        private var data: [String] = []
        private var type = ""
        private var lastID: String?
        private(set) var sawRetry = false

        static func events(_ text: String) -> [SSEEvent] {
            var parser = SSEParser()
            return parser.feed(Array(text.utf8))
        }

        mutating func feed(_ bytes: [UInt8]) -> [SSEEvent] {
            var events: [SSEEvent] = []
            for byte in bytes {
                if byte == 0x0A && lastWasCR {
                    lastWasCR = false
                    continue
                }
                lastWasCR = byte == 0x0D
                if byte == 0x0A || byte == 0x0D {
                    if let event = process(String(decoding: line, as: UTF8.self)) { events.append(event) }
                    line.removeAll()
                } else {
                    line.append(byte)
                }
            }
            return events
        }

        private mutating func process(_ text: String) -> SSEEvent? {
            if text.isEmpty {
                defer {
                    data = []
                    type = ""
                }
                guard !data.isEmpty else { return nil }
                return SSEEvent(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), id: lastID)
            }
            if text.hasPrefix(":") { return nil }
            var field = Substring(text)
            var value: Substring = ""
            if let colon = text.firstIndex(of: ":") {
                field = text[..<colon]
                value = text[text.index(after: colon)...]
                if value.hasPrefix(" ") { value = value.dropFirst() }
            }
            switch field {
            case "event": type = String(value)
            case "data": data.append(String(value))
            case "id": if !value.contains("\0") { lastID = String(value) }
            case "retry": sawRetry = true
            default: break
            }
            return nil
        }
    }

    /// An HTTP/1.1 GET over a plain socket whose chunked body is read as it arrives; blocking reads run on a dispatch
    /// queue, never on the cooperative pool.
    final class SSEConnection: @unchecked Sendable {
        private let socket: Int32
        private let queue = DispatchQueue(label: "sse-test-client")
        private var raw: [UInt8] = []
        private var body: [UInt8] = []
        private var bodyEnded = false
        private var parser = SSEParser()
        private var pending: [SSEEvent] = []
        private(set) var status = 0
        private(set) var headers: [String: String] = [:]

        private init(socket: Int32) {
            self.socket = socket
        }

        /// Connects (retrying while the server starts), sends the request and reads the response head.
        static func open(port: Int, path: String, lastEventID: String? = nil) async throws -> SSEConnection {
            var attempts = 0
            while true {
                if let connection = try connect(port: port) {
                    try await connection.request(path: path, lastEventID: lastEventID)
                    return connection
                }
                attempts += 1
                if attempts > 600 { throw TestFailure("nothing listens on 127.0.0.1:\(port)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        private static func connect(port: Int) throws -> SSEConnection? {
            #if canImport(Glibc)
                let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
                let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { throw TestFailure("socket() failed") }
            // A stream that stops answering fails the test instead of hanging it.
            var timeout = timeval(tv_sec: 120, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                _ = systemClose(fd)
                return nil
            }
            return SSEConnection(socket: fd)
        }

        private func request(path: String, lastEventID: String?) async throws {
            var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            if let lastEventID { text += "Last-Event-ID: \(lastEventID)\r\n" }
            text += "\r\n"
            let bytes = Array(text.utf8)
            let sent = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard sent == bytes.count else { throw TestFailure("send() failed") }
            while true {
                if let end = Self.find([13, 10, 13, 10], in: raw) {
                    let head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                    raw.removeFirst(end + 4)
                    status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
                    for line in head.dropFirst() {
                        guard let colon = line.firstIndex(of: ":") else { continue }
                        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    }
                    return
                }
                guard try await receive() else { throw TestFailure("the connection closed before the response head") }
            }
        }

        /// The next event; fails when the stream ends first.
        func nextEvent() async throws -> SSEEvent {
            guard let event = try await nextEventOrEnd() else { throw TestFailure("the stream ended") }
            return event
        }

        /// The next event, or nil once the response body has ended.
        func nextEventOrEnd() async throws -> SSEEvent? {
            while pending.isEmpty {
                if bodyEnded { return nil }
                try await readBody()
            }
            return pending.removeFirst()
        }

        /// Waits until the stream's `retry:` field arrived (the server has started streaming).
        func waitForPreamble() async throws {
            while !parser.sawRetry {
                if bodyEnded { throw TestFailure("the stream ended") }
                try await readBody()
            }
        }

        func close() {
            _ = systemClose(socket)
        }

        /// Decodes the chunks in `raw` into events, reading from the socket when no whole chunk is there.
        private func readBody() async throws {
            while true {
                if let lineEnd = Self.find([13, 10], in: raw) {
                    let sizeText = String(decoding: raw[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                    guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                        throw TestFailure("not a chunked body")
                    }
                    if size == 0 {
                        bodyEnded = true
                        return
                    }
                    if raw.count >= lineEnd + 2 + size + 2 {
                        let chunk = Array(raw[(lineEnd + 2)..<(lineEnd + 2 + size)])
                        raw.removeFirst(lineEnd + 2 + size + 2)
                        pending += parser.feed(chunk)
                        return
                    }
                }
                guard try await receive() else {
                    bodyEnded = true
                    return
                }
            }
        }

        /// Reads what the socket has; false at end of stream.
        private func receive() async throws -> Bool {
            let fd = socket
            let bytes: [UInt8] = try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    var buffer = [UInt8](repeating: 0, count: 65_536)
                    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count < 0 {
                        continuation.resume(throwing: TestFailure("recv() failed or timed out"))
                    } else {
                        continuation.resume(returning: Array(buffer[..<count]))
                    }
                }
            }
            raw += bytes
            return !bytes.isEmpty
        }

        private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle {
                return index
            }
            return nil
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A port nothing listens on now, on 127.0.0.1.
private func freePort() throws -> Int {
    #if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw LiveLogTests.TestFailure("socket() failed") }
    defer { _ = systemClose(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw LiveLogTests.TestFailure("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw LiveLogTests.TestFailure("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
