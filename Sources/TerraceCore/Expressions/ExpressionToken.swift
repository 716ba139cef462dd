/// One token inside `${...}`, with its scalar offsets in the template text.
struct ExpressionToken: Hashable, Sendable {
    /// What the token is.
    enum Kind: Hashable, Sendable {
        case identifier(String)
        case number(Double)
        case string(String)
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case comma, dot, equals, colon
        case end
    }

    var kind: Kind
    /// The offset of the token's first scalar.
    var start: Int
    /// The offset just past the token's last scalar.
    var end: Int
}
