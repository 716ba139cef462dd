/// What `terrace console` evaluates against: an infrastructure's variables and its units' recorded outputs, as
/// `terraform console` evaluates against a module's state.
///
/// Units that were never applied have unknown outputs, shown as `(known after apply)`. A result that reads a
/// sensitive output is shown as `(sensitive value)`, and an error that involves one keeps its value out of the
/// message.
public struct ExpressionConsole: Sendable {
    /// The result of one line.
    public enum Outcome: Hashable, Sendable {
        /// The value, formatted as `terraform console` shows values.
        case value(String)
        /// The problem, with where in the line it is.
        case error(ExpressionError)
        /// The line was empty or a comment.
        case nothing
    }

    private let renderer: InputRenderer
    private let sensitive: [String: Set<String>]

    /// Creates a console for `infrastructure`; `records` holds the applied units' outputs.
    public init(project: Project, infrastructure: Infrastructure, record: InfrastructureRecord?) {
        var outputs: [String: [String: Value]] = [:]
        var sensitive: [String: Set<String>] = [:]
        for (unit, unitRecord) in record?.units ?? [:] where infrastructure.unit(named: unit) != nil {
            outputs[unit] = unitRecord.outputs
            sensitive[unit] = Set(unitRecord.sensitiveOutputs)
        }
        renderer = InputRenderer(project: project, infrastructure: infrastructure, outputs: outputs)
        self.sensitive = sensitive
    }

    /// Evaluates one line of input as an expression (without `${...}` around it).
    public func evaluate(_ line: String, lineNumber: Int = 1) -> Outcome {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("//") { return .nothing }
        let origin = SourceLocation(file: "<console>", line: lineNumber, column: 1)
        let expression: Expression
        do throws(ExpressionError) {
            expression = try TemplateParser.parseExpression(line, at: origin)
        } catch {
            return .error(error)
        }
        let readsSensitive = expression.references.contains { reference in
            guard let hidden = sensitive[reference.path[0]], !hidden.isEmpty else { return false }
            // A unit named alone is the object of all its outputs, sensitive ones included.
            return reference.path.count == 1 || hidden.contains(reference.path[1])
        }
        let renderer = renderer
        let known = Set(renderer.infrastructure.units.map(\.name))
        do throws(ExpressionError) {
            let value = try Evaluator.evaluateTyped(expression) { reference throws(ExpressionError) in
                guard let root = reference.path.first else { return .unknown(.dynamic) }
                if root != "infra", root != "project", !known.contains(root) {
                    let names = ["infra", "project"] + known.sorted()
                    throw ExpressionError(
                        at: reference.location, "unknown reference `\(reference.text)`",
                        hint: Suggestions.closest(to: root, in: names).map { "did you mean `\($0)`?" }
                            ?? "references start with `infra.`, `project.` or a unit name")
                }
                return TypedValue(try renderer.resolve(reference))
            }
            return .value(readsSensitive ? "(sensitive value)" : value.consoleText)
        } catch {
            guard readsSensitive else { return .error(error) }
            return .error(
                ExpressionError(
                    at: error.location, "the expression failed; its message is hidden because it reads a sensitive output"))
        }
    }
}
