/// A lexical token of HCL's native syntax, as much as reading declarations needs.
///
/// Strings and heredocs are single tokens: their template sequences (`${ ... }`, `%{ ... }`)
/// are part of the token, so braces inside them never count as structure.
struct HCLToken: Hashable, Sendable {
    /// What a token is.
    enum Kind: Hashable, Sendable {
        case identifier
        case number
        /// A quoted string; ``HCLToken/value`` holds its unquoted text.
        case string
        /// A heredoc (`<<EOT` … `EOT`); ``HCLToken/value`` holds its text.
        case heredoc
        case openBrace
        case closeBrace
        case openBracket
        case closeBracket
        case openParen
        case closeParen
        /// A lone `=` (not `==`, `=>`, `!=`, `<=`, `>=`).
        case equals
        case newline
        /// Any other operator or character.
        case other
        case endOfFile
    }

    /// What the token is.
    var kind: Kind
    /// The byte offset of the token's first byte in the file's UTF-8.
    var start: Int
    /// The byte offset just past the token's last byte.
    var end: Int
    /// The 1-based line of the token's start.
    var line: Int
    /// The 1-based column (in Unicode scalars) of the token's start.
    var column: Int
    /// For strings and heredocs, the text they denote; nil otherwise.
    var value: String?

    /// Whether the token opens a bracket: `{`, `[` or `(`.
    var isOpener: Bool {
        kind == .openBrace || kind == .openBracket || kind == .openParen
    }

    /// For a closing bracket, the kind of its opening bracket; nil for other tokens.
    var matchingOpener: Kind? {
        switch kind {
        case .closeBrace: .openBrace
        case .closeBracket: .openBracket
        case .closeParen: .openParen
        default: nil
        }
    }
}
