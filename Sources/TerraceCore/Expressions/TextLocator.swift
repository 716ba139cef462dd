/// Maps a Unicode-scalar offset in a string to a line and column, given where the string starts.
struct TextLocator: Sendable {
    /// Where offset 0 sits.
    let origin: SourceLocation
    /// The offsets just after each newline.
    let lineStarts: [Int]

    init(scalars: [Unicode.Scalar], origin: SourceLocation) {
        self.origin = origin
        var starts: [Int] = []
        for (offset, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(offset + 1)
        }
        lineStarts = starts
    }

    /// The location of the scalar at `offset` (offsets past the end continue the last line).
    func location(at offset: Int) -> SourceLocation {
        // Count the line starts at or before `offset`.
        var low = 0
        var high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        if low == 0 { return origin.advanced(by: offset) }
        return SourceLocation(file: origin.file, line: origin.line + low, column: offset - lineStarts[low - 1] + 1)
    }
}
