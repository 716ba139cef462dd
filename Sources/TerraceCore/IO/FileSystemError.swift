/// A file could not be read or listed.
public struct FileSystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, without exposing internals.
    public enum Code: Hashable, Sendable {
        case notFound
        case notADirectory
        case unreadable
        /// A listing passed its limit (see ``FileSystem/listFiles(under:atMost:)``).
        case tooManyFiles
    }

    /// The kind of failure.
    public var code: Code
    /// The path concerned.
    public var path: String

    /// Creates an error.
    public init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    /// A message safe to show.
    public var description: String {
        switch code {
        case .notFound: "`\(path)` does not exist"
        case .notADirectory: "`\(path)` is not a directory"
        case .unreadable: "`\(path)` cannot be read"
        case .tooManyFiles: "`\(path)` holds too many files"
        }
    }
}
