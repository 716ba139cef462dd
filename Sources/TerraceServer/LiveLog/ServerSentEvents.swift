import Hummingbird

/// The `text/event-stream` wire format (WHATWG HTML, "Server-sent events"), for log lines.
///
/// A line is plain text for the browser to show: it is sent as `data:` field values only, so nothing in it (`data:`,
/// `event:`, `id:`, a carriage return) can become a field. Line breaks inside it (`\r`, which the format treats as
/// one) split it into several `data:` lines of the same event, which the browser joins with `\n`.
enum ServerSentEvents {
    /// Appends one message: `id: <end>` then the line as `data:`.
    static func append(_ line: LogLine, to buffer: inout ByteBuffer) {
        buffer.writeString("id: \(line.end)\n")
        appendData(line.text, to: &buffer)
        buffer.writeString("\n")
    }

    /// Appends the closing `end` event, whose data is the run's status.
    static func appendEnd(status: String, to buffer: inout ByteBuffer) {
        buffer.writeString("event: end\n")
        appendData(status, to: &buffer)
        buffer.writeString("\n")
    }

    /// Appends the reconnection delay the browser should use, in milliseconds.
    static func appendRetry(milliseconds: Int, to buffer: inout ByteBuffer) {
        buffer.writeString("retry: \(milliseconds)\n\n")
    }

    /// A comment line, which the browser ignores: keeps proxies from closing an idle stream and shows whether the
    /// client is still there.
    static func keepAlive() -> ByteBuffer {
        ByteBuffer(string: ": keep-alive\n\n")
    }

    private static func appendData(_ text: String, to buffer: inout ByteBuffer) {
        // `\r` and `\n` are ASCII, never part of a longer UTF-8 sequence: splitting the bytes there is safe.
        for piece in text.utf8.split(omittingEmptySubsequences: false, whereSeparator: { $0 == 0x0D || $0 == 0x0A }) {
            buffer.writeString("data: ")
            buffer.writeBytes(piece)
            buffer.writeString("\n")
        }
    }
}
