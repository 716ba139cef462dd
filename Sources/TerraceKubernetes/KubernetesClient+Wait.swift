import Foundation
import TerraceCore

extension KubernetesClient {
    /// What a wait's check concluded about the object it looked at.
    public enum WaitVerdict: Sendable, Equatable {
        /// The condition holds: stop waiting.
        case done
        /// Not yet; the text says what was seen, for the timeout message.
        case pending(String)
        /// It will not hold (a failed condition): stop with this message.
        case failed(String)
    }

    /// Polls `reference` until `check` says done or failed, or `timeout` passes: after 100 ms at first, then twice as
    /// long each time up to `pollInterval`.
    ///
    /// `check` sees the object, or nil while it does not exist. Transient failures of a poll are retried by the
    /// client's retry policy.
    /// - Throws: ``KubernetesError`` with code `timeout` naming the object and what was last seen, or `invalid`
    ///   with the check's message when it failed.
    @discardableResult
    public func wait(
        for reference: ObjectReference, timeout: Duration, pollInterval: Duration = .seconds(1), what: String,
        until check: @Sendable (Value?) -> WaitVerdict
    ) async throws(KubernetesError) -> Value? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var lastSeen = "nothing yet"
        // Controllers usually answer within a moment: look again soon, then back off to `pollInterval`.
        var interval = min(pollInterval, .milliseconds(100))
        while true {
            let object = try await get(reference)
            switch check(object) {
            case .done:
                return object
            case .failed(let message):
                throw KubernetesError(.invalid, message, object: reference.description, hint: "see the object's status for details")
            case .pending(let seen):
                lastSeen = seen
            }
            if clock.now >= deadline {
                throw KubernetesError(
                    .timeout, "not \(what) after \(timeout) (last seen: \(lastSeen))", object: reference.description,
                    hint: "check the object's status and events (`kubectl describe`), or allow a longer timeout")
            }
            do {
                try await Task.sleep(for: min(interval, deadline - clock.now))
                interval = min(interval * 2, pollInterval)
            } catch {
                throw KubernetesError(.timeout, "the wait was cancelled", object: reference.description)
            }
        }
    }

    /// Waits until the object's condition `type` has `status` (`Established`, `Available`, `Ready`).
    @discardableResult
    public func waitForCondition(
        _ reference: ObjectReference, type: String, status: String = "True", timeout: Duration,
        pollInterval: Duration = .seconds(1)
    ) async throws(KubernetesError) -> Value? {
        try await wait(for: reference, timeout: timeout, pollInterval: pollInterval, what: "\(type)=\(status)") { object in
            guard let object else { return .pending("the object does not exist") }
            guard let condition = object.condition(type) else { return .pending("no \(type) condition") }
            if condition["status"]?.stringValue == status { return .done }
            let reason = condition["reason"]?.stringValue.map { " (\($0))" } ?? ""
            let message = condition["message"]?.stringValue.map { ": \($0)" } ?? ""
            return .pending("\(type)=\(condition["status"]?.stringValue ?? "Unknown")\(reason)\(message)")
        }
    }

    /// Waits until the object no longer exists (its finalizers have run).
    public func waitForDeletion(_ reference: ObjectReference, timeout: Duration, pollInterval: Duration = .seconds(1))
        async throws(KubernetesError)
    {
        try await wait(for: reference, timeout: timeout, pollInterval: pollInterval, what: "deleted") { object in
            guard let object else { return .done }
            let finalizers = (object["metadata"]?["finalizers"]?.listValue ?? []).compactMap(\.stringValue)
            return .pending(
                finalizers.isEmpty ? "still present" : "waiting for finalizers " + finalizers.joined(separator: ", "))
        }
    }
}
