/// Changes made to a local copy of a status over several steps, kept so that they can be replayed on the stored
/// status in one atomic update (``ServiceStore/updateInfrastructure(_:_:)``): what another replica wrote meanwhile
/// is changed, not overwritten.
struct StatusEdits<Status: Sendable>: Sendable {
    /// The local copy with every change made so far.
    private(set) var current: Status
    private var changes: [@Sendable (inout Status) -> Void] = []

    /// Starts from `status` as read.
    init(_ status: Status) {
        current = status
    }

    /// Makes `change` to the local copy and keeps it for ``replay(on:)``.
    mutating func callAsFunction(_ change: @escaping @Sendable (inout Status) -> Void) {
        change(&current)
        changes.append(change)
    }

    /// Makes every kept change, in order, to `status`.
    func replay(on status: inout Status) {
        for change in changes { change(&status) }
    }
}
