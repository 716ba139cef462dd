import Foundation
import Testing
@testable import TerraceCore

/// Terrace's expression language against Terraform itself.
///
/// `Fixtures/terraform-corpus.txt` holds standalone expressions, one a line; `Fixtures/terraform-answers.json`
/// holds what Terraform 1.11 answered for `jsonencode(EXPR)` in `terraform console` for each of them, derived by
/// `scripts/terraform-answers.py` (re-run it after editing the corpus; `TerraformAnswersDriftTests` checks that
/// the installed Terraform still answers the same). Terrace must give the same JSON text where Terraform accepts an
/// expression, reject what Terraform rejects, and leave unknown what Terraform leaves unknown.
@Suite struct TerraformDifferentialTests {
    /// One corpus expression with Terraform's answer for it.
    struct Case: Sendable {
        /// The line of `terraform-corpus.txt` the expression is on (1-based).
        var line: Int
        var expression: String
        var answer: Answer
    }

    /// What Terraform (or Terrace) made of an expression.
    enum Answer: Equatable, Sendable, CustomStringConvertible {
        /// Accepted: the text `jsonencode` returned.
        case json(String)
        /// Rejected, with the error summary (Terraform) or the error description (Terrace).
        case rejected(String)
        /// Accepted, but the result is unknown (`(known after apply)`).
        case unknown

        var description: String {
            switch self {
            case .json(let text): text
            case .rejected(let reason): "rejected (\(reason))"
            case .unknown: "unknown (known after apply)"
            }
        }

        /// Whether `other` (Terrace's answer) agrees with this one (Terraform's): the same JSON text, a rejection
        /// for a rejection (the messages may differ), an unknown for an unknown.
        func isMatched(by other: Answer) -> Bool {
            switch (self, other) {
            case (.json(let expected), .json(let actual)): expected == actual
            case (.rejected, .rejected), (.unknown, .unknown): true
            default: false
            }
        }
    }

    /// One entry of the answers file: the header (`terraform_version`) or an answer.
    private struct StoredEntry: Decodable {
        var terraform_version: String?
        var expression: String?
        var json: String?
        var error: String?
        var unknown: Bool?
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The corpus expressions with their line numbers (blank lines and `#` comments left out).
    static func corpus() throws -> [(line: Int, expression: String)] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("terraform-corpus.txt"), encoding: .utf8)
        var expressions: [(line: Int, expression: String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            expressions.append((index + 1, line))
        }
        return expressions
    }

    /// The Terraform version and the answers, in corpus order.
    static func storedAnswers() throws -> (version: String, answers: [(expression: String, answer: Answer)]) {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("terraform-answers.json"))
        let entries = try JSONDecoder().decode([StoredEntry].self, from: data)
        guard let header = entries.first, let version = header.terraform_version else {
            throw FixtureError("terraform-answers.json does not start with a header naming the Terraform version")
        }
        var answers: [(expression: String, answer: Answer)] = []
        for (index, entry) in entries.dropFirst().enumerated() {
            guard let expression = entry.expression else { throw FixtureError("answer \(index + 1) has no expression") }
            switch (entry.json, entry.error, entry.unknown) {
            case (let json?, nil, nil): answers.append((expression, .json(json)))
            case (nil, let error?, nil): answers.append((expression, .rejected(error)))
            case (nil, nil, true?): answers.append((expression, .unknown))
            default: throw FixtureError("answer \(index + 1) (\(expression)) needs exactly one of json, error, unknown")
            }
        }
        return (version, answers)
    }

    /// The corpus joined with the answers; fails when they are not line for line the same expressions.
    static func cases() throws -> (version: String, cases: [Case]) {
        let corpus = try corpus()
        let (version, answers) = try storedAnswers()
        var problems: [String] = []
        if corpus.count != answers.count {
            problems.append("the corpus has \(corpus.count) expressions, the answers file \(answers.count)")
        }
        for (entry, stored) in zip(corpus, answers) where entry.expression != stored.expression {
            problems.append(
                "terraform-corpus.txt:\(entry.line): `\(entry.expression)` but the answer is for `\(stored.expression)`")
            if problems.count >= 10 { break }
        }
        guard problems.isEmpty else {
            throw FixtureError(
                "terraform-answers.json is out of date with terraform-corpus.txt; "
                    + "run `python3 scripts/terraform-answers.py`:\n" + problems.joined(separator: "\n"))
        }
        return (version, zip(corpus, answers).map { Case(line: $0.line, expression: $0.expression, answer: $1.answer) })
    }

    /// What Terrace makes of an expression, as `jsonencode(EXPR)` would in Terraform.
    static func terraceAnswer(_ expression: String) -> Answer {
        let value: TypedValue
        do {
            value = try ExpressionLanguage.evaluate(expression)
        } catch {
            return .rejected(String(describing: error))
        }
        guard value.isWhollyKnown else { return .unknown }
        do {
            return .json(try value.jsonEncoded())
        } catch {
            return .rejected("jsonencode: \(String(describing: error))")
        }
    }

    /// Every mismatch as a readable block: where, the expression, both answers.
    static func report(_ mismatches: [(Case, Answer)], total: Int, version: String) -> String {
        var lines = ["Terrace disagrees with Terraform \(version) on \(mismatches.count) of \(total) expressions:"]
        for (item, actual) in mismatches {
            lines.append("")
            lines.append("terraform-corpus.txt:\(item.line): \(item.expression)")
            lines.append("  terraform: \(item.answer)")
            lines.append("  terrace:   \(actual)")
        }
        return lines.joined(separator: "\n")
    }

    @Test func answersAreDerivedFromTheCurrentCorpus() throws {
        let (version, cases) = try Self.cases()
        #expect(version.hasPrefix("1."))
        #expect(cases.count >= 550)
        #expect(cases.filter { if case .rejected = $0.answer { true } else { false } }.count >= 80)
        #expect(cases.contains { $0.answer == .unknown })
        #expect(Set(cases.map(\.expression)).count == cases.count, "the corpus repeats an expression")
    }

    @Test func terraceAnswersEveryExpressionAsTerraformDoes() throws {
        let (version, cases) = try Self.cases()
        var mismatches: [(Case, Answer)] = []
        var rejected = 0
        for item in cases {
            let actual = Self.terraceAnswer(item.expression)
            if case .rejected = actual { rejected += 1 }
            if !item.answer.isMatched(by: actual) { mismatches.append((item, actual)) }
        }
        #expect(cases.count >= 550)
        #expect(rejected >= 80, "Terrace rejected only \(rejected) expressions")
        if !mismatches.isEmpty {
            Issue.record(Comment(rawValue: Self.report(mismatches, total: cases.count, version: version)))
        }
    }

    /// A broken fixture file.
    struct FixtureError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
