import Foundation
import TerraceCore

/// How the UI writes times, durations, counts and revisions.
enum UIFormat {
    /// `3 min ago`, `in 2 h`, `just now`, relative to `now`.
    static func relative(_ date: Date, now: Date = Date()) -> String {
        let seconds = now.timeIntervalSince(date)
        let magnitude = abs(seconds)
        let text: String
        switch magnitude {
        case ..<10: return "just now"
        case ..<60: text = "\(Int(magnitude)) s"
        case ..<3600: text = "\(Int(magnitude / 60)) min"
        case ..<86_400: text = "\(Int(magnitude / 3600)) h"
        case ..<(86_400 * 60): text = "\(Int(magnitude / 86_400)) d"
        default: return day(date)
        }
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// `2026-11-27T17:54:24Z`.
    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// `2026-11-27`.
    static func day(_ date: Date) -> String {
        String(iso(date).prefix(10))
    }

    /// A time for a template: `relative` to show, `iso` for `<time datetime>` and `title`.
    static func time(_ date: Date?, now: Date = Date()) -> Any {
        guard let date else { return false }
        return ["relative": relative(date, now: now), "iso": iso(date)]
    }

    /// `0.4 s`, `12 s`, `3 min 5 s`, `1 h 2 min`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "" }
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return whole % 60 == 0 ? "\(whole / 60) min" : "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }

    /// `1,000`.
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
    }

    /// `1 unit`, `2 units`.
    static func plural(_ value: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        "\(count(value)) \(value == 1 ? singular : pluralForm ?? singular + "s")"
    }

    /// A revision for a template: `short` (12 characters) and `full`, or `false`.
    static func revision(_ revision: String?) -> Any {
        guard let revision, !revision.isEmpty else { return false }
        return ["short": String(revision.prefix(12)), "full": revision]
    }

    /// A value for a template: the string, or `false` when absent or empty (so `{{#x}}…{{/x}}` means "when set").
    static func optional(_ text: String?) -> Any {
        guard let text, !text.isEmpty else { return false }
        return text
    }

    /// An output value as text: strings as they are, numbers and Bools as Terraform prints them, lists and maps as JSON.
    static func value(_ value: Value) -> String {
        value.interpolated ?? (value == .unknown ? "(known after apply)" : value.canonicalJSON)
    }

    /// A condition for a template.
    static func condition(_ condition: Condition, now: Date) -> [String: Any] {
        [
            "type": condition.type.rawValue, "status": condition.status.rawValue, "reason": condition.reason.rawValue,
            "message": optional(condition.message), "since": time(condition.lastTransitionTime, now: now),
            "class": conditionClass(condition),
        ]
    }

    /// The CSS state class of a condition: `ready`, `failed`, `reconciling`, `waiting`, `unknown`.
    static func conditionClass(_ condition: Condition) -> String {
        switch (condition.type, condition.status) {
        case (.ready, .true): "ready"
        case (.ready, .false): condition.reason == .awaitingApproval ? "waiting" : "failed"
        case (.ready, .unknown): condition.reason == .awaitingApproval || condition.reason == .pending ? "waiting" : "reconciling"
        case (.reconciling, .true): "reconciling"
        case (.stalled, .true): "failed"
        default: "unknown"
        }
    }

    /// The CSS state class of a run status.
    static func runClass(_ status: ServiceRun.Status) -> String {
        switch status {
        case .running: "reconciling"
        case .succeeded: "ready"
        case .failed, .interrupted: "failed"
        case .waiting: "waiting"
        case .superseded, .discarded: "unknown"
        }
    }

    /// The CSS state class of a unit outcome.
    static func outcomeClass(_ outcome: UnitOutcome) -> String {
        switch outcome {
        case .applied, .unchanged, .destroyed: "ready"
        case .failed: "failed"
        case .blocked: "waiting"
        }
    }
}
