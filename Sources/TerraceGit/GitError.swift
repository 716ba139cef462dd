/// A git command failed or did not finish in time; the message is safe to show (credentials redacted).
public struct GitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// git could not run, or exited with an error.
        case failed
        /// git ran longer than its time limit; its process group was killed.
        case timedOut
    }

    /// The kind of failure.
    public var code: Code
    /// A one-line message.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
