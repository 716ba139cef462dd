import Testing

@testable import TerraceCore
import TerraceTestSupport

/// Random and mutated inputs: parsing, validation and evaluation must never crash, and every error must point
/// inside the input.
@Suite struct ExpressionFuzzTests {
    /// The shared seeded generator, with the two picks this suite needs.
    struct Generator {
        var random: SeededGenerator
        init(state: UInt64) { random = SeededGenerator(state: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let fragments: [String] =
        [
            "${", "}", "$${", "$", "{", "(", ")", "[", "]", ",", ".", "=", ":", "\"", "\\", "\\n", " ", "\n", "\t",
            "-", "+", "%", "%s", "%d", "%v", "%q", "%05d", "%", "a", "b.c", "network.cidr", "x.y[0]", "m[\"k\"]", "0",
            "1", "-1", "2.5", "1e3", "1e999", "99999999999999999999", "true", "false", "null", "é", "🚀", "\"s\"",
            "\"10.0.0.0/16\"", "\"10.0.0.1/8\"", "[1, 2]", "{ a = 1 }", "lowr(", "null[0]",
            // The full syntax: operators, conditionals, `for`, splats, directives and strip markers.
            " + ", " - ", " * ", " / ", " % ", " == ", " != ", " < ", " <= ", " > ", " >= ", " && ", " || ", "!", " ? ",
            " : ", "[for x in ", "{for k, v in ", " : x]", " => ", "...", " if ", "[*]", ".*", "%{ if ", "%{ else }",
            "%{ endif }", "%{ for x in ", "%{ endfor }", "%{", "~}", "${~", "%%{", "\"${", "\"%{ if true }a%{ endif }\"",
            "x", "k", "v", "[*].a", "try(", "can(", "0.1", "1e20", "-0", "\"\\u00e9\"", "\"straße\"", "1/0", "0/0",
        ] + Evaluator.functionNames.map { "\($0)(" }

    static let seeds: [String] = [
        "${network.vpc_id}",
        "prefix-${lower(var.name)}-${upper(\"x\")}",
        "${cidrsubnet(network.cidr, 8, 2)}",
        "${cidrhost(\"10.12.112.0/20\", 16)}",
        "${join(\",\", concat(a.list, [\"b\", 1]))}",
        "${format(\"%s-%03d\", var.name, 7)}",
        "${lookup({ a = 1, \"b\" = [2] }, \"b\", null)[0]}",
        "$${literal} and ${element(split(\",\", \"a,b\"), 3)}",
        "${jsonencode({k = [true, null, 1.5]})}",
        "${substr(\"hello\", -3, 2)} ${keys(m)} ${values(m)}",
        "${coalesce(null, \"\", x)}\n${flatten([[1], [[2]]])}",
        "${a.b == \"prod\" ? 3 : 1}-${a.n * 2 + 1 >= 4 && !a.f}",
        "${[for i, s in a.list : upper(s) if i > 0]}${{for k, v in a.map : k => v...}}",
        "${a.list[*].id} ${a.list.*.name[0]} ${try(a.x[9], \"d\")} ${can(regex(\"^a\", a.s))}",
        "%{ if a.on ~}\n  yes ${a.v}\n%{~ else }no%{ endif } %{ for x in a.list }${x},%{ endfor }",
        "${jsonencode({Resource = [\"${a.arn}/*\"], n = format(\"%05.2f|%x|%e\", 3.14159, 255, 1e5)})}",
    ]

    /// The values a reference may resolve to, chosen by the reference's text.
    static let values: [Value] = [
        "10.0.0.0/16", "text", 3, -1.5, true, .null, .unknown, ["a", 1, ["b"]], ["k": "v", "n": [1, 2]], [], [:],
        "1e400", "%s%d",
    ]

    static func resolve(_ reference: Reference) throws(ExpressionError) -> Value {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in reference.text.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        if hash % 17 == 0 { throw ExpressionError(at: reference.location, "unresolvable `\(reference.text)`") }
        return values[Int(hash % UInt64(values.count))]
    }

    /// All locations a character (or the end) of `text` can have.
    static func span(of text: String) -> Set<TerraceCore.SourceLocation> {
        var locations: Set<TerraceCore.SourceLocation> = [ExprTest.origin]
        var line = ExprTest.origin.line
        var column = ExprTest.origin.column
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            locations.insert(TerraceCore.SourceLocation(file: ExprTest.origin.file, line: line, column: column))
        }
        return locations
    }

    static func mutate(_ text: String, with generator: inout Generator) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0...generator.below(3) {
            let position = generator.below(scalars.count + 1)
            switch generator.below(3) {
            case 0:
                scalars.insert(contentsOf: generator.pick(fragments).unicodeScalars, at: position)
            case 1:
                if position < scalars.count { scalars.remove(at: position) }
            default:
                if position < scalars.count, let first = generator.pick(fragments).unicodeScalars.first {
                    scalars[position] = first
                }
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    @Test func randomInputsNeverCrashAndErrorsPointInside() {
        var generator = Generator(state: 0x5EED)
        var parsed = 0
        var evaluated = 0
        for iteration in 0..<5000 {
            let text: String
            if iteration % 2 == 0 {
                text = Self.mutate(generator.pick(Self.seeds), with: &generator)
            } else {
                text = (0..<generator.below(12)).map { _ in generator.pick(Self.fragments) }.joined()
            }
            let span = Self.span(of: text)
            switch TemplateParser.parse(text, at: ExprTest.origin) {
            case .failure(let error):
                #expect(span.contains(error.location), "parse error outside \(text.debugDescription): \(error)")
                #expect(!error.message.isEmpty && !error.message.contains("\n"))
            case .success(let template):
                parsed += 1
                for reference in template.references {
                    #expect(span.contains(reference.location), "reference outside \(text.debugDescription)")
                }
                for error in Evaluator.validate(template, resolve: Self.resolve) {
                    #expect(
                        span.contains(error.location), "validation error outside \(text.debugDescription): \(error)")
                }
                do throws(ExpressionError) {
                    _ = try Evaluator.evaluate(template, resolve: Self.resolve)
                    evaluated += 1
                } catch {
                    #expect(
                        span.contains(error.location), "evaluation error outside \(text.debugDescription): \(error)")
                }
            }
        }
        // The generator must exercise all three outcomes, not just syntax errors.
        #expect(parsed > 500)
        #expect(evaluated > 200)
    }

    @Test func validSeedsEvaluate() throws {
        // The seeds themselves parse; this keeps the mutation corpus meaningful.
        for seed in Self.seeds {
            #expect(throws: Never.self) { try TemplateParser.parse(seed, at: ExprTest.origin).get() }
        }
    }
}
