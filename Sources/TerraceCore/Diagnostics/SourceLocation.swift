/// A position in a file of the repository: the file path (relative to the repo root), a 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file, relative to the repository root where possible.
    public var file: String
    /// The 1-based line number; 0 when the problem concerns the file as a whole.
    public var line: Int
    /// The 1-based column number; 0 when the problem concerns the file or line as a whole.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The location `count` columns further along the same line.
    public func advanced(by count: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + count)
    }

    /// `line:column`, for pointing at another place on the same file.
    public var lineColumn: String { "\(line):\(column)" }

    /// `file:line:column`, or just `file` when no line is known.
    public var description: String {
        if line <= 0 { return file }
        if column <= 0 { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
