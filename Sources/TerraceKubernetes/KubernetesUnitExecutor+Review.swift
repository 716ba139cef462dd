import TerraceCore

extension KubernetesUnitExecutor {
    /// Plans the unit for review: the objects it renders, each compared with the cluster by a server-side dry run
    /// (created, updated with the attributes that change, or deleted because it is no longer rendered). The kept
    /// plan is the digest of the rendered objects: ``applyReviewed(_:plan:progress:)`` applies only the very same
    /// objects. Secrets' `data` and `stringData` show as `(sensitive)`.
    public func review(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview {
        try await job.withinTimeout { () async throws(UnitFailure) -> UnitReview in try await reviewUnit(job, progress: progress) }
    }

    /// Applies the unit when it renders exactly the objects reviewed, within the job's timeout.
    public func applyReviewed(
        _ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> UnitOutputs {
        try await job.withinTimeout { () async throws(UnitFailure) -> UnitOutputs in
            try await applyReviewedUnit(job, plan: plan, progress: progress)
        }
    }

    func reviewUnit(_ job: UnitJob, progress: @escaping @Sendable (UnitPhase) -> Void) async throws(UnitFailure) -> UnitReview {
        progress(.plan)
        return try await withClient(job, phase: .plan) { client async throws(KubernetesError) in
            let objects = try await renderedObjects(job)
            let changes = try await plannedChanges(of: objects, inventory: job.inventory, client: client)
            var summary = ResourceSummary()
            for change in changes {
                switch change.action {
                case "create": summary.add += 1
                case "delete": summary.destroy += 1
                default: summary.change += 1
                }
            }
            return UnitReview(
                unit: job.unit, summary: summary, changes: changes, planID: "\(job.runID)/\(job.infrastructure)/\(job.unit)",
                planDigest: Self.digest(of: objects), desiredDigest: "")
        }
    }

    /// Applies the unit when it renders exactly the objects reviewed; otherwise throws `.stalePlan` and applies nothing.
    func applyReviewedUnit(
        _ job: UnitJob, plan: UnitReview, progress: @escaping @Sendable (UnitPhase) -> Void
    ) async throws(UnitFailure) -> UnitOutputs {
        let objects: [Value]
        do throws(KubernetesError) {
            objects = try await renderedObjects(job)
        } catch {
            throw UnitFailure(.kubernetes, phase: .apply, error.description)
        }
        guard Self.digest(of: objects) == plan.planDigest else {
            throw UnitFailure(
                .stalePlan, phase: .apply, "`\(job.unit)` no longer renders the objects that were reviewed: nothing applied")
        }
        return try await applyUnit(job, progress: progress)
    }

    /// Nothing is kept on disk for a Kubernetes unit's review.
    public func discardReviewed(_ job: UnitJob, plan: UnitReview) async {}

    /// The digest of rendered objects.
    static func digest(of objects: [Value]) -> String {
        ContentDigest.of(objects.map(\.canonicalJSON).joined(separator: "\n"))
    }

    /// What applying `objects` and pruning the rest of `inventory` changes, object by object.
    func plannedChanges(of objects: [Value], inventory: [String], client: KubernetesClient) async throws(KubernetesError) -> [PlannedChange] {
        var changes: [PlannedChange] = []
        var rendered: Set<String> = []
        for object in objects {
            let reference = try ObjectReference(of: object)
            rendered.insert(reference.inventoryKey)
            let sensitive = Self.isSecret(reference)
            let live: Value?
            do {
                live = try await client.get(reference)
            } catch where error.code == .notFound {
                live = nil
            }
            guard let live else {
                var attributes = AttributeDiff.changes(
                    before: nil, after: Self.reviewable(object), isSensitive: { sensitive && Self.isSecretData($0) })
                if attributes.count > Self.createdAttributesShown {
                    let more = attributes.count - Self.createdAttributesShown
                    attributes = Array(attributes.prefix(Self.createdAttributesShown))
                    attributes.append(AttributeChange(path: "(\(more) more attributes)", before: nil, after: nil))
                }
                changes.append(PlannedChange(address: reference.description, action: "create", attributes: attributes))
                continue
            }
            let result = try await client.apply(object, dryRun: true)
            let before = Self.reviewable(live), after = Self.reviewable(result)
            guard before != after else { continue }
            changes.append(PlannedChange(
                address: reference.description, action: "update",
                attributes: AttributeDiff.changes(before: before, after: after, isSensitive: { sensitive && Self.isSecretData($0) })))
        }
        for key in inventory where !rendered.contains(key) {
            guard let reference = ObjectReference(inventoryKey: key) else { continue }
            if (try? await client.get(reference)) ?? nil != nil {
                changes.append(PlannedChange(address: reference.description, action: "delete", attributes: []))
            }
        }
        return changes
    }

    /// How many attributes of a new object a review lists.
    static let createdAttributesShown = 60

    /// An object as a review compares it: without status and what every write changes by itself.
    static func reviewable(_ object: Value) -> Value {
        guard case .map(var entries) = comparable(object) else { return object }
        entries["status"] = nil
        if case .map(var metadata)? = entries["metadata"] {
            for key in ["uid", "creationTimestamp"] { metadata[key] = nil }
            entries["metadata"] = .map(metadata)
        }
        return .map(entries)
    }

    static func isSecret(_ reference: ObjectReference) -> Bool {
        reference.kind.kind == "Secret" && reference.kind.group.isEmpty
    }

    static func isSecretData(_ path: String) -> Bool {
        path.hasPrefix("data") || path.hasPrefix("stringData")
    }
}
