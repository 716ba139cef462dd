/// A resource the API server serves, as discovery describes it: the path segment (`deployments`) of a kind,
/// and whether its objects live in namespaces.
public struct APIResource: Hashable, Sendable {
    /// The group, version and kind.
    public var kind: GroupVersionKind
    /// The plural name used in paths, `deployments`.
    public var name: String
    /// Whether objects of this kind live in a namespace.
    public var namespaced: Bool
    /// The verbs the server allows (`get`, `list`, `patch`, …).
    public var verbs: [String]

    /// Creates a resource description.
    public init(kind: GroupVersionKind, name: String, namespaced: Bool, verbs: [String] = []) {
        self.kind = kind
        self.name = name
        self.namespaced = namespaced
        self.verbs = verbs
    }

    /// `/api/v1` or `/apis/apps/v1`.
    public var groupVersionPath: String {
        kind.group.isEmpty ? "/api/\(kind.version)" : "/apis/\(kind.group)/\(kind.version)"
    }

    /// The collection's path: `/apis/apps/v1/namespaces/argocd/deployments`, or across namespaces without one.
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let namespace {
            return "\(groupVersionPath)/namespaces/\(Self.escape(namespace))/\(name)"
        }
        return "\(groupVersionPath)/\(name)"
    }

    /// One object's path.
    public func objectPath(namespace: String?, name objectName: String) -> String {
        collectionPath(namespace: namespace) + "/" + Self.escape(objectName)
    }

    /// A path segment percent-encoded (names are DNS labels, but a bad one must not change the path).
    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .kubernetesSegment) ?? segment
    }
}

import Foundation

extension CharacterSet {
    fileprivate static let kubernetesSegment: CharacterSet = {
        CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@")
    }()
}
