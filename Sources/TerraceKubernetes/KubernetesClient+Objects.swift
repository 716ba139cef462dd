import Foundation
import NIOHTTP1
import TerraceCore

extension KubernetesClient {
    /// The field manager Terrace applies as.
    public static let fieldManager = "terrace"

    /// How a deletion treats the object's dependents.
    public enum PropagationPolicy: String, Sendable {
        /// Dependents are deleted before the object is gone (the object waits with a `foregroundDeletion` finalizer).
        case foreground = "Foreground"
        /// The object goes at once; dependents are deleted afterwards.
        case background = "Background"
        /// Dependents are left behind.
        case orphan = "Orphan"
    }

    /// Server-side applies `object` as field manager `terrace`, taking over conflicting fields (`force=true`) and
    /// refusing unknown fields (`fieldValidation=Strict`).
    ///
    /// A namespaced object without a namespace goes to the connection's default namespace (`default` without one).
    /// - Parameters:
    ///   - dryRun: `dryRun=All`: the server computes the result and writes nothing (plans, drift checks).
    ///   - force: whether to take over fields other managers own; without it a conflict fails.
    /// - Returns: the object as the server has it (or would have it, on a dry run).
    /// - Throws: ``KubernetesError`` naming the object.
    @discardableResult
    public func apply(_ object: Value, dryRun: Bool = false, force: Bool = true) async throws(KubernetesError) -> Value {
        var reference = try ObjectReference(of: object)
        let resource = try await resourceForApply(reference)
        var body = object
        if resource.namespaced {
            let namespace = reference.namespace ?? connection.namespace ?? "default"
            reference.namespace = namespace
            body = body.setting("metadata", to: (body["metadata"] ?? .map([:])).setting("namespace", to: .string(namespace)))
        } else if reference.namespace != nil {
            reference.namespace = nil
            if case .map(var metadata) = body["metadata"] {
                metadata["namespace"] = nil
                body = body.setting("metadata", to: .map(metadata))
            }
        }
        var query = [("fieldManager", Self.fieldManager), ("fieldValidation", "Strict"), ("force", force ? "true" : "false")]
        if dryRun { query.append(("dryRun", "All")) }
        let response = try await sendChecked(
            .PATCH, resource.objectPath(namespace: reference.namespace, name: reference.name), query: query,
            body: Array(body.canonicalJSON.utf8), contentType: "application/apply-patch+yaml", object: reference,
            action: "apply", forced: force)
        return try decode(response, object: reference)
    }

    /// The object, or nil when it does not exist.
    /// - Throws: ``KubernetesError`` naming the object.
    public func get(_ reference: ObjectReference) async throws(KubernetesError) -> Value? {
        let resource = try await resource(for: reference.kind)
        let response = try await send(
            .GET, resource.objectPath(namespace: namespace(of: reference, in: resource), name: reference.name),
            object: reference, action: "get")
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else {
            throw KubernetesStatus(code: response.status, body: response.body).error(object: reference, action: "get")
        }
        return try decode(response, object: reference)
    }

    /// The objects of a kind, in one namespace or all (nil), optionally filtered by a label selector; every page.
    ///
    /// Each item gets its `apiVersion` and `kind`, which a list's items lack.
    /// - Throws: ``KubernetesError``.
    public func list(_ kind: GroupVersionKind, namespace: String? = nil, labelSelector: String? = nil)
        async throws(KubernetesError) -> [Value]
    {
        let resource = try await resource(for: kind)
        var items: [Value] = []
        var token: String?
        repeat {
            var query = [("limit", "500")]
            if let labelSelector { query.append(("labelSelector", labelSelector)) }
            if let token { query.append(("continue", token)) }
            let response = try await sendChecked(
                .GET, resource.collectionPath(namespace: resource.namespaced ? namespace : nil), query: query,
                object: nil, action: "list \(kind)")
            guard let page = Value.parseJSON(response.body) else {
                throw KubernetesError(.server, "the list of \(kind) is not JSON")
            }
            for item in page["items"]?.listValue ?? [] {
                items.append(
                    item.setting("apiVersion", to: .string(kind.apiVersion)).setting("kind", to: .string(kind.kind)))
            }
            token = page["metadata"]?["continue"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return items
    }

    /// Deletes an object. Returns false when it did not exist.
    ///
    /// The object may linger after this returns (finalizers, foreground deletion): ``waitForDeletion(_:timeout:pollInterval:)``
    /// waits until it is gone.
    /// - Throws: ``KubernetesError`` naming the object.
    @discardableResult
    public func delete(_ reference: ObjectReference, propagationPolicy: PropagationPolicy = .background)
        async throws(KubernetesError) -> Bool
    {
        let resource = try await resource(for: reference.kind)
        let options: Value = [
            "kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagationPolicy.rawValue),
        ]
        let response = try await send(
            .DELETE, resource.objectPath(namespace: namespace(of: reference, in: resource), name: reference.name),
            body: Array(options.canonicalJSON.utf8), object: reference, action: "delete")
        if response.status == 404 { return false }
        guard (200..<300).contains(response.status) else {
            throw KubernetesStatus(code: response.status, body: response.body).error(object: reference, action: "delete")
        }
        return true
    }

    /// The resource for an apply: a kind not yet discovered is looked up again once, since its CRD may just have
    /// become Established.
    private func resourceForApply(_ reference: ObjectReference) async throws(KubernetesError) -> APIResource {
        do {
            return try await resource(for: reference.kind)
        } catch {
            guard error.code == .notFound else { throw error }
            throw KubernetesError(error.code, error.message, object: reference.description, hint: error.hint)
        }
    }

    /// The namespace a request for `reference` uses: its own, the connection's, or `default`; none when the kind is
    /// cluster-scoped.
    func namespace(of reference: ObjectReference, in resource: APIResource) -> String? {
        guard resource.namespaced else { return nil }
        return reference.namespace ?? connection.namespace ?? "default"
    }

    private func decode(_ response: KubernetesResponse, object: ObjectReference) throws(KubernetesError) -> Value {
        guard let value = Value.parseJSON(response.body) else {
            throw KubernetesError(.server, "the server's answer is not JSON", object: object.description)
        }
        return value
    }
}
