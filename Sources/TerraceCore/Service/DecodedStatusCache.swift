import Synchronization

/// The infrastructure statuses a ``SQLServiceStore`` decoded last, by name with the stored text they came from: a
/// listing of a thousand statuses decodes only those whose stored text changed since (decoding JSON costs far more
/// than comparing it). Safe with several replicas: an entry is used only when the stored text is the same.
final class DecodedStatusCache: Sendable {
    private let entries = Mutex<[String: (body: String, status: InfrastructureStatus)]>([:])

    /// The most statuses kept; past it the cache starts over.
    static let capacity = 20_000

    /// The status decoded from `body` for `name`, when it was decoded before.
    func status(_ name: String, body: String) -> InfrastructureStatus? {
        entries.withLock { entries in
            guard let entry = entries[name], entry.body == body else { return nil }
            return entry.status
        }
    }

    /// Keeps `status`, decoded from `body`.
    func keep(_ status: InfrastructureStatus, body: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[status.name] = (body, status)
        }
    }
}
