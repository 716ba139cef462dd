/// One complete line of a unit's log, as a live log sends it.
struct LogLine: Hashable, Sendable {
    /// The line's text without its line break; invalid UTF-8 repaired, cut at ``LogLineSplitter/maxLineBytes``.
    var text: String
    /// The byte offset in the log just after the line (after its `\n`): where a reader resumes.
    var end: UInt64
}

/// Cuts a log's bytes into lines as they come, remembering the partial last line until its `\n` arrives.
///
/// Offsets count the log's bytes from its start, so a reader that starts at a line's ``LogLine/end`` gets exactly
/// the lines after it. A line longer than ``maxLineBytes`` keeps its first bytes (cut at a character boundary) and a
/// note of how many were left out; the splitter never holds more than that for one line.
struct LogLineSplitter {
    /// The most bytes of one line that are kept (64 KiB).
    static let maxLineBytes = 64 * 1024

    /// The byte offset just after the last byte fed.
    private(set) var offset: UInt64
    /// The start of the line not yet ended, at most `maxLineBytes` long.
    private var pending: [UInt8] = []
    /// Bytes of the pending line beyond `maxLineBytes`, left out.
    private var dropped: UInt64 = 0

    /// A splitter whose first byte fed sits at `offset` in the log.
    init(offset: UInt64) {
        self.offset = offset
    }

    /// Whether a partial line is waiting for its `\n`.
    var hasPartialLine: Bool { !pending.isEmpty || dropped > 0 }

    /// Feeds the next bytes of the log; returns the lines they complete, in order.
    mutating func feed(_ bytes: some Collection<UInt8>) -> [LogLine] {
        var lines: [LogLine] = []
        var start = bytes.startIndex
        var position = UInt64(0)
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = bytes[start..<newline]
            position += UInt64(piece.count) + 1
            keep(piece)
            lines.append(LogLine(text: takeLine(), end: offset + position))
            start = bytes.index(after: newline)
        }
        keep(bytes[start...])
        offset += UInt64(bytes.count)
        return lines
    }

    /// The partial last line as a line of its own (the log has ended without a final `\n`), or nil.
    mutating func finish() -> LogLine? {
        guard hasPartialLine else { return nil }
        return LogLine(text: takeLine(), end: offset)
    }

    private mutating func keep(_ piece: some Collection<UInt8>) {
        let room = Self.maxLineBytes - pending.count
        if piece.count <= room {
            pending.append(contentsOf: piece)
        } else {
            pending.append(contentsOf: piece.prefix(max(room, 0)))
            dropped += UInt64(piece.count - max(room, 0))
        }
    }

    private mutating func takeLine() -> String {
        var bytes = pending[...]
        if dropped > 0 {
            // Leave out a character the cut split: its lead byte and the continuation bytes kept of it.
            var lead = bytes.endIndex
            while lead > bytes.startIndex, bytes.endIndex - lead < 3, bytes[lead - 1] & 0b1100_0000 == 0b1000_0000 { lead -= 1 }
            if lead > bytes.startIndex, bytes[lead - 1] >= 0b1100_0000 {
                let first = bytes[lead - 1]
                let length = first >= 0b1111_0000 ? 4 : first >= 0b1110_0000 ? 3 : 2
                let cut = lead - 1
                if bytes.endIndex - cut < length {
                    dropped += UInt64(bytes.endIndex - cut)
                    bytes = bytes[..<cut]
                }
            }
        } else if bytes.last == UInt8(ascii: "\r") {
            bytes = bytes.dropLast()
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if dropped > 0 { text += " … [\(dropped) more bytes of this line not shown]" }
        pending.removeAll(keepingCapacity: true)
        dropped = 0
        return text
    }
}
