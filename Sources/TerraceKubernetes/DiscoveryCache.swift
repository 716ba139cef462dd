/// What discovery has learnt: the resources of each group version asked about so far.
actor DiscoveryCache {
    private var groupVersions: [String: [String: APIResource]] = [:]

    /// The resources of `groupVersion` (`apps/v1`), when discovered.
    func resources(of groupVersion: String) -> [String: APIResource]? {
        groupVersions[groupVersion]
    }

    /// Records the resources of a group version, by kind.
    func store(_ resources: [String: APIResource], for groupVersion: String) {
        groupVersions[groupVersion] = resources
    }

    /// Forgets one group version, or everything.
    func invalidate(_ groupVersion: String? = nil) {
        if let groupVersion {
            groupVersions[groupVersion] = nil
        } else {
            groupVersions = [:]
        }
    }
}
