import Foundation

/// The runs waiting to start: at most one per infrastructure, first come first served. A newer request for an
/// infrastructure replaces (supersedes) the waiting one.
public struct ReconcileQueue: Sendable {
    /// A request to run an infrastructure.
    public struct Item: Hashable, Sendable {
        /// The infrastructure.
        public var infrastructure: String
        /// `apply` or `destroy`.
        public var operation: String
        /// The revision to run.
        public var revision: String
        /// What asked for it.
        public var trigger: ServiceRun.Trigger
        /// Units to apply even though their desired state is recorded.
        public var forcedUnits: Set<String>
        /// When it was asked for.
        public var queuedAt: Date
        /// Who asked for it when a person did.
        public var requestedBy: String?
        /// The approved run whose reviewed plan this item applies, when it applies one.
        public var approvedRunID: String?

        /// Creates an item.
        public init(
            infrastructure: String, operation: String = "apply", revision: String, trigger: ServiceRun.Trigger,
            forcedUnits: Set<String> = [], queuedAt: Date = Date(), requestedBy: String? = nil, approvedRunID: String? = nil
        ) {
            self.requestedBy = requestedBy
            self.approvedRunID = approvedRunID
            self.infrastructure = infrastructure
            self.operation = operation
            self.revision = revision
            self.trigger = trigger
            self.forcedUnits = forcedUnits
            self.queuedAt = queuedAt
        }
    }

    private var items: [Item] = []

    /// Creates an empty queue.
    public init() {}

    /// The revision each waiting item runs, by infrastructure.
    public var revisions: [String: String] {
        Dictionary(items.map { ($0.infrastructure, $0.revision) }, uniquingKeysWith: { _, last in last })
    }

    /// How many items wait.
    public var count: Int { items.count }

    /// Whether an item waits for `infrastructure`.
    public func contains(_ infrastructure: String) -> Bool { items.contains { $0.infrastructure == infrastructure } }

    /// The item waiting for `infrastructure`.
    public func item(for infrastructure: String) -> Item? { items.first { $0.infrastructure == infrastructure } }

    /// Adds `item`; returns the waiting item it supersedes (same infrastructure, another revision or operation).
    /// A request for the revision already waiting merges into it (forced units added) and keeps its place.
    @discardableResult
    public mutating func enqueue(_ item: Item) -> Item? {
        guard let index = items.firstIndex(where: { $0.infrastructure == item.infrastructure }) else {
            items.append(item)
            return nil
        }
        let waiting = items[index]
        if waiting.revision == item.revision && waiting.operation == item.operation {
            items[index].forcedUnits.formUnion(item.forcedUnits)
            return nil
        }
        items.remove(at: index)
        var replacement = item
        if waiting.operation == item.operation { replacement.forcedUnits.formUnion(waiting.forcedUnits) }
        items.append(replacement)
        return waiting
    }

    /// Takes the first item whose infrastructure is not in `busy`.
    public mutating func next(excluding busy: Set<String>) -> Item? {
        guard let index = items.firstIndex(where: { !busy.contains($0.infrastructure) }) else { return nil }
        return items.remove(at: index)
    }
}
