@testable import TerraceCore

/// Helpers shared by the expression tests.
enum ExprTest {
    static let origin = SourceLocation(file: "units/app.yaml", line: 7, column: 12)

    /// Values the test resolver knows, by dotted path.
    static let values: [String: Value] = [
        "network.vpc_id": "vpc-123",
        "network.cidr": "10.0.0.0/16",
        "network.subnets": ["subnet-a", "subnet-b", "subnet-c"],
        "network.tags": ["env": "prod", "team": "core"],
        "network.count": 3,
        "network.enabled": true,
        "network.nothing": .null,
        "db.endpoint": .unknown,
        "db.ports": [5432, .unknown],
        "var.name": "Web App",
        "var.nested": ["a": ["b": [1, 2, ["deep": "yes"]]]],
    ]

    static func resolve(_ reference: Reference) throws(ExpressionError) -> Value {
        // The longest known prefix of the path; the remaining segments are read as map keys.
        for length in stride(from: reference.path.count, through: 1, by: -1) {
            guard var value = values[reference.path.prefix(length).joined(separator: ".")] else { continue }
            for (offset, name) in reference.path.dropFirst(length).enumerated() {
                switch value {
                case .unknown: return .unknown
                case .map(let entries) where entries[name] != nil: value = entries[name] ?? .null
                default:
                    throw ExpressionError(
                        at: reference.location(ofSegment: length + offset), "no attribute `\(name)`")
                }
            }
            return value
        }
        throw ExpressionError(at: reference.location, "unknown reference `\(reference.pathText)`")
    }

    static func parse(_ text: String) throws(ExpressionError) -> Template {
        try TemplateParser.parse(text, at: origin).get()
    }

    static func parseError(_ text: String) -> ExpressionError? {
        if case .failure(let error) = TemplateParser.parse(text, at: origin) { return error }
        return nil
    }

    static func evaluate(_ text: String) throws(ExpressionError) -> Value {
        try Evaluator.evaluate(try parse(text), resolve: resolve)
    }

    static func evaluationError(_ text: String) -> ExpressionError? {
        do throws(ExpressionError) {
            _ = try evaluate(text)
            return nil
        } catch {
            return error
        }
    }

    /// Static checks with every reference unknown, as validation sees unit outputs.
    static func validate(_ text: String) throws(ExpressionError) -> [ExpressionError] {
        Evaluator.validate(try parse(text)) { _ throws(ExpressionError) in .unknown }
    }

    /// Evaluates a standalone expression (no `${}`) and returns its JSON as `jsonencode` gives it.
    static func json(_ text: String) throws -> String {
        try ExpressionLanguage.evaluate(text).jsonEncoded()
    }

    /// The location `column` on the origin's line, as a 1-based offset into the string (column 1 = first character).
    static func at(_ offset: Int) -> SourceLocation {
        origin.advanced(by: offset - 1)
    }
}
