/// A problem in a `${...}` expression: a syntax error, a failed check or a failed evaluation.
public struct ExpressionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is: the exact line and column of the offending token.
    public var location: SourceLocation
    /// A one-line message starting in lowercase, naming the offending token in backticks.
    public var message: String
    /// An optional hint: a suggestion such as "did you mean `lower`?".
    public var hint: String?

    /// Creates an error.
    public init(at location: SourceLocation, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    /// The error as an `.error` diagnostic.
    public var diagnostic: Diagnostic {
        .error(location, message, hint: hint)
    }

    /// `file:line:column: error: message (hint: ...)`.
    public var description: String { diagnostic.description }
}
