/// Why an action on a run or an infrastructure (approve, discard, retry, reconcile) was refused, safe to show.
public struct RunActionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// No such run or infrastructure.
        case notFound
        /// The run is not in a state that allows the action (already applied, superseded, not failed…).
        case conflict
        /// The status database cannot be read or written.
        case unavailable
    }

    /// The kind of refusal.
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
