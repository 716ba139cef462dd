import TerraceCore

extension ObjectReference {
    /// The object as a Kubernetes unit's inventory records it: `apiVersion Kind namespace/name` (`apiVersion Kind name`
    /// for cluster-scoped objects), which is also how errors name it.
    public var inventoryKey: String { description }

    /// The object an inventory entry names, or nil when the entry is malformed.
    public init?(inventoryKey: String) {
        let parts = inventoryKey.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3 else { return nil }
        let place = parts[2].split(separator: "/", omittingEmptySubsequences: false)
        switch place.count {
        case 1 where !place[0].isEmpty:
            self.init(apiVersion: String(parts[0]), kind: String(parts[1]), name: String(place[0]))
        case 2 where !place[0].isEmpty && !place[1].isEmpty:
            self.init(apiVersion: String(parts[0]), kind: String(parts[1]), namespace: String(place[0]), name: String(place[1]))
        default:
            return nil
        }
    }
}
