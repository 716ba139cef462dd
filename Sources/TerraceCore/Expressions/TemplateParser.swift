/// Parses manifest strings into templates, and standalone expressions (for the console and tests).
public enum TemplateParser {
    /// Parses `text`, a manifest string whose first character sits at `location`, as a template.
    ///
    /// `${...}` interpolates an expression and `%{ if }`/`%{ for }` are directives, as in Terraform; `$${` and
    /// `%%{` write a literal `${` and `%{`. Backslashes are not escapes here (YAML has already read the string),
    /// but they are inside quoted strings within expressions. Locations advance by Unicode scalars; a newline
    /// moves to the next line, column 1. The first syntax error is returned, located at the offending character.
    public static func parse(_ text: String, at location: SourceLocation) -> Result<Template, ExpressionError> {
        if !containsOpening(text) {
            let parts: [Template.Part] = text.isEmpty ? [] : [.literal(text)]
            return .success(Template(parts: parts, location: location, text: text))
        }
        do throws(ExpressionError) {
            var parser = ExpressionParser(text: text, origin: location)
            let parts = try parser.parseTemplate(quoted: false, start: 0)
            return .success(Template(parts: parts, location: location, text: text))
        } catch {
            return .failure(error)
        }
    }

    /// Parses `text`, throwing the first syntax error.
    public static func parseThrowing(_ text: String, at location: SourceLocation) throws(ExpressionError) -> Template {
        try parse(text, at: location).get()
    }

    /// Parses `text` as one expression, as `terraform console` reads it (no surrounding `${...}`).
    public static func parseExpression(_ text: String, at location: SourceLocation) throws(ExpressionError)
        -> Expression
    {
        var parser = ExpressionParser(text: text, origin: location)
        return try parser.parseStandalone()
    }

    /// Whether `text` holds `${` or `%{`, the openings of an interpolation or a directive.
    public static func containsOpening(_ text: String) -> Bool {
        var previousWasSigil = false
        for byte in text.utf8 {
            if previousWasSigil && byte == UInt8(ascii: "{") { return true }
            previousWasSigil = byte == UInt8(ascii: "$") || byte == UInt8(ascii: "%")
        }
        return false
    }
}
