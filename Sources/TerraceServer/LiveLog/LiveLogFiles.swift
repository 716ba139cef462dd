import Foundation
import TerraceCore

/// Where unit logs live below the log folder, and what a run page shows of one before streaming the rest.
enum LiveLogFiles {
    /// What a page shows of a unit's log: complete lines only, and the byte offset just after them, where the live
    /// stream continues (`data-offset`).
    struct Snapshot: Hashable, Sendable {
        /// The lines, each ending in `\n` (invalid UTF-8 repaired).
        var text: String
        /// The byte offset in the file just after `text`.
        var offset: UInt64
        /// The byte offset `text` starts at: 0, or later when only the tail was read.
        var start: UInt64
    }

    /// Whether `id` can name a run: 1 to 100 ASCII letters, digits, `-` and `_` (so never `.`, `/` or `..`).
    static func isRunID(_ id: String) -> Bool {
        (1...100).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }
    }

    /// `<logRoot>/<runID>/<infrastructure>/<unit>.log`, or nil when a part is not a valid name (which is what keeps a
    /// request from reaching any other file).
    static func path(logRoot: String, runID: String, infrastructure: String, unit: String) -> String? {
        guard isRunID(runID), NameRules.checkName(infrastructure) == nil, NameRules.checkName(unit) == nil else { return nil }
        return "\(logRoot)/\(runID)/\(infrastructure)/\(unit).log"
    }

    /// The complete lines of the file at `path` (at most the last `maxBytes` of them, starting at a line), or nil
    /// when there is no such file. A run page renders `text` and gives the stream `offset`.
    static func snapshot(path: String, maxBytes: Int = 1 << 20) -> Snapshot? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            // From the byte before the window when there is one: a line starting right at the window is whole.
            let from = size > UInt64(maxBytes) ? size - UInt64(maxBytes) - 1 : 0
            try handle.seek(toOffset: from)
            var bytes = try handle.read(upToCount: Int(size - from)) ?? Data()
            guard let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) else {
                // One long line not yet ended: nothing to show, and the stream starts where that line starts.
                let lineStart = try Self.lineStart(before: from, in: handle)
                return Snapshot(text: "", offset: lineStart, start: lineStart)
            }
            bytes = bytes[bytes.startIndex...lastNewline]
            var start = from
            if from > 0, let firstNewline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                // Drop the partial first line (or the byte before the window when it is a line break).
                start += UInt64(firstNewline - bytes.startIndex + 1)
                bytes = bytes[(firstNewline + 1)...]
            }
            return Snapshot(text: String(decoding: bytes, as: UTF8.self), offset: start + UInt64(bytes.count), start: start)
        } catch {
            return nil
        }
    }

    /// The offset just after the last `\n` before `offset`, or 0.
    private static func lineStart(before offset: UInt64, in handle: FileHandle) throws -> UInt64 {
        var end = offset
        while end > 0 {
            let from = end > 65_536 ? end - 65_536 : 0
            try handle.seek(toOffset: from)
            let bytes = try handle.read(upToCount: Int(end - from)) ?? Data()
            if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) { return from + UInt64(newline - bytes.startIndex + 1) }
            end = from
        }
        return 0
    }
}
