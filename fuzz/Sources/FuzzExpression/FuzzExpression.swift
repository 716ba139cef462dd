import FuzzSupport
import TerraceCore

/// A small scope for the expressions under test: a few variables of each kind, and unknown unit outputs.
let scope: [String: Value] = [
    "project": .map(["name": .string("fuzz"), "vars": .map(["owner": .string("team")])]),
    "infra": .map([
        "name": .string("demo"),
        "vars": .map([
            "environment": .string("demo"),
            "zones": .number(Number(2)),
            "enabled": .bool(true),
            "tags": .map(["a": .string("1"), "b": .string("2")]),
            "cidrs": .list([.string("10.0.0.0/16"), .string("10.1.0.0/16")]),
            "nothing": .null,
        ]),
    ]),
    "network": .map(["vpc_id": .unknown, "private_subnet_ids": .unknown]),
]

/// Resolves a reference from ``scope``; anything else is an error, as an unknown reference is in a manifest.
func resolve(_ reference: Reference) throws(ExpressionError) -> Value {
    var value: Value? = scope[reference.path.first ?? ""]
    for name in reference.path.dropFirst() {
        guard case .map(let entries) = value else { value = nil; break }
        value = entries[name]
    }
    guard let value else { throw ExpressionError(at: reference.location, "unknown reference `\(reference.text)`") }
    return value
}

/// libFuzzer's entry point: parses the input as a manifest template (`${…}`, `%{ if }`, `%{ for }`) and as a
/// standalone expression, and evaluates and validates what parses with a small scope.
///
/// Checked beyond "no crash": every syntax or evaluation error names the input and a line of it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzInput.text(data, size)
    let lines = FuzzInput.lineCount(text)
    let start = SourceLocation(file: "fuzz.yaml", line: 1, column: 1)

    switch TemplateParser.parse(text, at: start) {
    case .success(let template):
        do throws(ExpressionError) {
            _ = try Evaluator.evaluate(template, resolve: resolve)
        } catch {
            FuzzInput.checkLocation(error.location, file: "fuzz.yaml", lines: lines, "evaluation error `\(error.message)`")
        }
        for problem in Evaluator.validate(template, resolve: resolve) {
            FuzzInput.checkLocation(problem.location, file: "fuzz.yaml", lines: lines, "validation error `\(problem.message)`")
        }
    case .failure(let error):
        FuzzInput.checkLocation(error.location, file: "fuzz.yaml", lines: lines, "template syntax error `\(error.message)`")
    }

    do throws(ExpressionError) {
        let expression = try TemplateParser.parseExpression(text, at: start)
        _ = try Evaluator.evaluateTyped(expression) { reference throws(ExpressionError) in TypedValue(try resolve(reference)) }
    } catch {
        FuzzInput.checkLocation(error.location, file: "fuzz.yaml", lines: lines, "expression error `\(error.message)`")
    }
    return 0
}
