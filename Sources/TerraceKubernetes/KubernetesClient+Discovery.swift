import Foundation
import TerraceCore

extension KubernetesClient {
    /// The group versions the server serves: `v1` from `/api`, and each group's versions from `/apis`.
    /// - Throws: ``KubernetesError``.
    public func serverGroupVersions() async throws(KubernetesError) -> [String] {
        let core = try await sendChecked(.GET, "/api", object: nil, action: "discover")
        let groups = try await sendChecked(.GET, "/apis", object: nil, action: "discover")
        var result = (Value.parseJSON(core.body)?["versions"]?.listValue ?? []).compactMap(\.stringValue)
        for group in Value.parseJSON(groups.body)?["groups"]?.listValue ?? [] {
            for version in group["versions"]?.listValue ?? [] {
                if let groupVersion = version["groupVersion"]?.stringValue { result.append(groupVersion) }
            }
        }
        return result
    }

    /// The resource serving `kind`: its path segment and whether it is namespaced.
    ///
    /// Reads the kind's group version (`/api/v1`, `/apis/apps/v1`) once and caches it. When the kind is not in the
    /// cached list (a CRD added since), the group version is read again before giving up.
    /// - Throws: ``KubernetesError`` with code `notFound` when the server does not serve the kind.
    public func resource(for kind: GroupVersionKind) async throws(KubernetesError) -> APIResource {
        if let cached = await discovery.resources(of: kind.apiVersion), let found = cached[kind.kind] {
            return found
        }
        let fresh = try await discover(groupVersion: kind)
        if let found = fresh[kind.kind] { return found }
        let served = fresh.keys.sorted()
        let hint =
            served.isEmpty
            ? "\(kind.apiVersion) is not served: install the CRD that defines \(kind.kind) first, and wait until it is Established"
            : (Suggestions.closest(to: kind.kind, in: served).map { "did you mean `\($0)`? " } ?? "")
                + "is the CRD that defines \(kind.kind) installed and Established?"
        throw KubernetesError(.notFound, "the server does not serve \(kind)", hint: hint)
    }

    /// Forgets what discovery learnt (all of it, or one group version), after CRDs are added or removed.
    public func invalidateDiscovery(_ apiVersion: String? = nil) async {
        await discovery.invalidate(apiVersion)
    }

    /// Reads one group version's resource list and caches it; a group version not served gives an empty list.
    @discardableResult
    func discover(groupVersion kind: GroupVersionKind) async throws(KubernetesError) -> [String: APIResource] {
        let probe = APIResource(kind: kind, name: "", namespaced: false)
        let response = try await send(.GET, probe.groupVersionPath, object: nil, action: "discover")
        if response.status == 404 {
            await discovery.store([:], for: kind.apiVersion)
            return [:]
        }
        guard (200..<300).contains(response.status) else {
            throw KubernetesStatus(code: response.status, body: response.body).error(object: nil, action: "discover")
        }
        guard let list = Value.parseJSON(response.body), let items = list["resources"]?.listValue else {
            throw KubernetesError(
                .server, "\(hostDescription)\(probe.groupVersionPath) did not answer with an APIResourceList",
                hint: "is this a Kubernetes API server?")
        }
        var resources: [String: APIResource] = [:]
        for item in items {
            guard let name = item["name"]?.stringValue, !name.contains("/"), let kindName = item["kind"]?.stringValue
            else { continue }
            let verbs = (item["verbs"]?.listValue ?? []).compactMap(\.stringValue)
            let namespaced = item["namespaced"] == .bool(true)
            resources[kindName] = APIResource(
                kind: GroupVersionKind(group: kind.group, version: kind.version, kind: kindName), name: name,
                namespaced: namespaced, verbs: verbs)
        }
        await discovery.store(resources, for: kind.apiVersion)
        return resources
    }
}
