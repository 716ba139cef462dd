import Foundation
import Hummingbird
import ServiceLifecycle
import TerraceCore

/// One browser's live view of one unit's log: the log from a byte offset, then each line as Terraform writes it,
/// until the run has ended and every line has been sent; then an `end` event.
///
/// Lines come from the unit's log file while it exists (the offsets the browser resumes from are the file's); a run
/// that ended without a file (another replica ran it, or the file was cleaned up) is sent from the store's copy.
/// The file is read every `pollInterval` (a read that finds nothing costs one system call), the run's status every
/// `statusInterval`. Only complete lines are sent while the run goes; its last line without `\n` is sent at the end.
struct LiveLogStream: Sendable {
    /// Where statuses and finished logs are kept.
    var store: any ServiceStore
    /// The run.
    var runID: String
    /// The unit.
    var unit: String
    /// The unit's log file, or nil when the service has no log folder.
    var path: String?
    /// The byte offset of the first line to send.
    var start: UInt64
    /// How often the file is read for new lines.
    var pollInterval: Duration = .milliseconds(50)
    /// How often the run's status is checked.
    var statusInterval: Duration = .seconds(1)
    /// After how much silence a comment is sent. It also finds out that the browser has gone: the write after the
    /// connection closed fails, so an abandoned stream stops within two intervals.
    var keepAliveInterval: Duration = .seconds(5)
    /// How many bytes are read from the file at once.
    static let chunkBytes = 256 * 1024
    /// Encoded events are written once this many bytes are waiting.
    static let writeBytes = 64 * 1024

    /// Writes the stream; returns when the run has ended and its log is sent, or the service shuts down. Throws
    /// when the browser has gone (the writer fails) or the task is cancelled.
    func write(to writer: inout any ResponseBodyWriter) async throws {
        var buffer = ByteBuffer()
        ServerSentEvents.appendRetry(milliseconds: 2000, to: &buffer)
        try await writer.write(buffer)
        buffer.clear()

        var splitter = LogLineSplitter(offset: start)
        var file: FileHandle?
        defer { try? file?.close() }
        let clock = ContinuousClock()
        var lastWrite = clock.now
        var nextStatusCheck = clock.now
        var status: ServiceRun.Status = .running

        while true {
            try Task.checkCancellation()
            if Task.isShuttingDownGracefully {
                // No `end`: the browser reconnects with the last id once the service is back.
                try await writer.finish(nil)
                return
            }
            // Whatever the run wrote before its status changed is in the file now: read to its end, then stop.
            let ended = status != .running
            if file == nil, let path { file = Self.open(path, at: start) }
            var atEnd = true
            if let handle = file {
                let data = (try? handle.read(upToCount: Self.chunkBytes)) ?? Data()
                atEnd = data.count < Self.chunkBytes
                for line in splitter.feed(data) {
                    ServerSentEvents.append(line, to: &buffer)
                    if buffer.readableBytes >= Self.writeBytes { try await flush(&buffer, to: &writer, at: &lastWrite) }
                }
            }
            if ended && atEnd {
                if file == nil, let text = try await store.logs(runID: runID)[unit] {
                    let skip = Int(clamping: start)
                    for line in splitter.feed(text.utf8.dropFirst(skip)) {
                        ServerSentEvents.append(line, to: &buffer)
                        if buffer.readableBytes >= Self.writeBytes { try await flush(&buffer, to: &writer, at: &lastWrite) }
                    }
                }
                if let last = splitter.finish() { ServerSentEvents.append(last, to: &buffer) }
                ServerSentEvents.appendEnd(status: status.rawValue, to: &buffer)
                try await flush(&buffer, to: &writer, at: &lastWrite)
                try await writer.finish(nil)
                return
            }
            if buffer.readableBytes > 0 { try await flush(&buffer, to: &writer, at: &lastWrite) }
            if !atEnd { continue }
            let now = clock.now
            if now >= nextStatusCheck {
                status = try await store.run(runID)?.status ?? .interrupted
                nextStatusCheck = now.advanced(by: statusInterval)
                if status != .running { continue }
            }
            if now - lastWrite >= keepAliveInterval {
                try await writer.write(ServerSentEvents.keepAlive())
                lastWrite = now
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func flush(_ buffer: inout ByteBuffer, to writer: inout any ResponseBodyWriter, at lastWrite: inout ContinuousClock.Instant)
        async throws
    {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer = ByteBuffer()
        lastWrite = .now
    }

    /// The file opened for reading at `offset`, or nil while it does not exist.
    private static func open(_ path: String, at offset: UInt64) -> FileHandle? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        do {
            try handle.seek(toOffset: offset)
            return handle
        } catch {
            try? handle.close()
            return nil
        }
    }
}
