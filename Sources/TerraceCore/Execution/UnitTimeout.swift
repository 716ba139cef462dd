/// How long one operation of a unit (a plan, an apply, a destroy: every Terraform command or Kubernetes request and
/// wait it takes) may run before it is stopped and the unit fails.
///
/// Written in manifests as a duration: a whole number followed by `h`, `m` or `s`, optionally combined in that order
/// (`90s`, `30m`, `1h30m`). A unit's `timeout:` wins over the project's `timeout:` in `terrace.yaml`, which wins over
/// ``standard``.
public enum UnitTimeout {
    /// The timeout of a unit when neither it nor the project sets one: 60 minutes.
    public static let standard: Duration = .seconds(3600)
    /// The shortest timeout a manifest may set.
    public static let minimum: Duration = .seconds(1)
    /// The longest timeout a manifest may set: 7 days.
    public static let maximum: Duration = .seconds(7 * 24 * 3600)

    /// Why a duration could not be read; `message` is safe to show.
    public struct ParseError: Error, Hashable, Sendable {
        /// What is wrong, naming the text.
        public var message: String
    }

    /// Reads `30m`, `90s`, `2h` or `1h30m` (hours, minutes and seconds, each at most once, in that order).
    public static func parse(_ text: String) -> Result<Duration, ParseError> {
        let units: [(Character, Int64)] = [("h", 3600), ("m", 60), ("s", 1)]
        func failure(_ message: String) -> Result<Duration, ParseError> { .failure(ParseError(message: message)) }
        guard !text.isEmpty else { return failure("an empty duration") }
        var seconds: Int64 = 0
        var digits = ""
        var nextUnit = 0
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                guard digits.count < 9 else { return failure("duration `\(text)` is too long") }
                digits.append(Character(String(digit)))
                continue
            }
            guard let index = units.firstIndex(where: { $0.0 == character }) else {
                return failure("duration `\(text)` has an unknown unit `\(character)`")
            }
            guard !digits.isEmpty, let amount = Int64(digits) else {
                return failure("duration `\(text)` has `\(character)` without a number before it")
            }
            guard index >= nextUnit else {
                return failure("duration `\(text)` must list hours, minutes and seconds once each, in that order")
            }
            seconds += amount * units[index].1
            digits = ""
            nextUnit = index + 1
        }
        guard digits.isEmpty else {
            return failure(nextUnit == 0 ? "duration `\(text)` has no unit" : "duration `\(text)` ends without a unit")
        }
        let duration = Duration.seconds(seconds)
        guard duration >= minimum else { return failure("duration `\(text)` is shorter than 1s") }
        guard duration <= maximum else { return failure("duration `\(text)` is longer than 7 days (168h)") }
        return .success(duration)
    }

    /// A duration as manifests write it: `30m`, `1h30m`, `90s` becomes `1m30s`; below a second, `250ms`.
    public static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if seconds < 1 {
            return "\(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))ms"
        }
        var text = ""
        let hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if rest > 0 || text.isEmpty { text += "\(rest)s" }
        return text
    }
}
