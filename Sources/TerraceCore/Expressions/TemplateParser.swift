/// Parses manifest input strings into templates of literal text and `${...}` expressions.
public enum TemplateParser {
    /// Parses `text`, whose first character sits at `location`.
    ///
    /// `$${` stands for a literal `${`. Locations advance by Unicode scalars; a newline moves to the next line,
    /// column 1. The first syntax error is returned, located at the offending character.
    public static func parse(_ text: String, at location: SourceLocation) -> Result<Template, ExpressionError> {
        // Fast path: no `${` at all.
        if !containsOpening(text) {
            let parts: [Template.Part] = text.isEmpty ? [] : [.literal(text)]
            return .success(Template(parts: parts, location: location, text: text))
        }
        let scalars = Array(text.unicodeScalars)
        let locator = TextLocator(scalars: scalars, origin: location)
        var parts: [Template.Part] = []
        var literal = String.UnicodeScalarView()
        var offset = 0
        while offset < scalars.count {
            let scalar = scalars[offset]
            if scalar == "$", offset + 1 < scalars.count {
                let next = scalars[offset + 1]
                if next == "$", offset + 2 < scalars.count, scalars[offset + 2] == "{" {
                    literal.append(contentsOf: "${".unicodeScalars)
                    offset += 3
                    continue
                }
                if next == "{" {
                    if !literal.isEmpty {
                        parts.append(.literal(String(literal)))
                        literal = String.UnicodeScalarView()
                    }
                    do throws(ExpressionError) {
                        var parser = try ExpressionParser(scalars: scalars, locator: locator, openOffset: offset)
                        let (expression, end) = try parser.parseInterpolation()
                        parts.append(.expression(expression))
                        offset = end
                    } catch {
                        return .failure(error)
                    }
                    continue
                }
            }
            literal.append(scalar)
            offset += 1
        }
        if !literal.isEmpty { parts.append(.literal(String(literal))) }
        return .success(Template(parts: parts, location: location, text: text))
    }

    /// Parses `text`, throwing the first syntax error.
    public static func parseThrowing(_ text: String, at location: SourceLocation) throws(ExpressionError) -> Template {
        try parse(text, at: location).get()
    }

    private static func containsOpening(_ text: String) -> Bool {
        var previousWasDollar = false
        for byte in text.utf8 {
            if previousWasDollar && byte == UInt8(ascii: "{") { return true }
            previousWasDollar = byte == UInt8(ascii: "$")
        }
        return false
    }
}
