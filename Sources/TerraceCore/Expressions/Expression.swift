/// One expression of Terraform's language, as written inside `${...}` (or as a whole manifest string, which is a
/// template). Every node knows where it starts, so errors point at the offending part.
public indirect enum Expression: Hashable, Sendable {
    /// A number, bool, null or string literal (a quoted string without interpolations or directives).
    case literal(TypedValue, SourceLocation)
    /// A string template: a quoted string with `${...}` or `%{...}`, or a whole manifest string.
    case template(Template)
    /// A reference to something outside the expression: `infra.vars.x`, `project.name`, `network.vpc_id`.
    case reference(Reference)
    /// A variable bound by an enclosing `for` expression or template `for` directive.
    case local(String, SourceLocation)
    /// The element a splat's traversal applies to (only inside `splat`'s `each`).
    case splatItem(SourceLocation)
    /// `base.name`; `location` is where the name starts.
    case attribute(Expression, name: String, location: SourceLocation)
    /// `base[key]` (also the legacy `base.0`); `location` is where the key starts.
    case index(Expression, key: Expression, location: SourceLocation)
    /// `source[*].rest` or `source.*.rest`: `each` is applied to every element, with `splatItem` standing for it.
    case splat(Expression, each: Expression, location: SourceLocation)
    /// A function call `name(arguments...)`, with `...` expanding the last argument when `expandFinal`.
    case call(name: String, arguments: [Expression], expandFinal: Bool, location: SourceLocation)
    /// A tuple constructor `[a, b]`; `location` is where `[` sits.
    case tuple([Expression], location: SourceLocation)
    /// An object constructor `{ key = value }`; `location` is where `{` sits.
    case object([ObjectItem], location: SourceLocation)
    /// `condition ? whenTrue : whenFalse`; located at the condition.
    case conditional(Expression, whenTrue: Expression, whenFalse: Expression)
    /// `-x` or `!x`; `location` is where the operator sits.
    case unary(UnaryOperator, Expression, location: SourceLocation)
    /// `lhs op rhs`; `location` is where the operator sits.
    case binary(BinaryOperator, Expression, Expression, location: SourceLocation)
    /// A `for` expression.
    case forExpression(ForExpression)
    /// `( expression )`: kept so that `{(key) = value}` evaluates its key.
    case parenthesized(Expression, location: SourceLocation)

    /// Where the expression starts.
    public var location: SourceLocation {
        switch self {
        case .literal(_, let location), .local(_, let location), .splatItem(let location): location
        case .template(let template): template.location
        case .reference(let reference): reference.location
        case .attribute(let base, _, _), .index(let base, _, _), .splat(let base, _, _): base.location
        case .call(_, _, _, let location), .tuple(_, let location), .object(_, let location): location
        case .conditional(let condition, _, _): condition.location
        case .unary(_, _, let location), .parenthesized(_, let location): location
        case .binary(_, let lhs, _, _): lhs.location
        case .forExpression(let loop): loop.location
        }
    }

    /// Every reference in the expression, at any depth (nested templates, `for` bodies, conditional branches,
    /// function arguments), in source order.
    public var references: [Reference] {
        var result: [Reference] = []
        collectReferences(into: &result)
        return result
    }

    func collectReferences(into result: inout [Reference]) {
        forEachChild { child in
            if case .reference(let reference) = child { result.append(reference) }
        }
    }

    /// Calls `body` for this expression and every expression inside it, depth first, in source order.
    public func forEachChild(_ body: (Expression) -> Void) {
        body(self)
        switch self {
        case .literal, .reference, .local, .splatItem:
            break
        case .template(let template):
            template.forEachExpression { $0.forEachChild(body) }
        case .attribute(let base, _, _):
            base.forEachChild(body)
        case .index(let base, let key, _):
            base.forEachChild(body)
            key.forEachChild(body)
        case .splat(let base, let each, _):
            base.forEachChild(body)
            each.forEachChild(body)
        case .call(_, let arguments, _, _):
            for argument in arguments { argument.forEachChild(body) }
        case .tuple(let items, _):
            for item in items { item.forEachChild(body) }
        case .object(let items, _):
            for item in items {
                item.key.forEachChild(body)
                item.value.forEachChild(body)
            }
        case .conditional(let condition, let whenTrue, let whenFalse):
            condition.forEachChild(body)
            whenTrue.forEachChild(body)
            whenFalse.forEachChild(body)
        case .unary(_, let operand, _), .parenthesized(let operand, _):
            operand.forEachChild(body)
        case .binary(_, let lhs, let rhs, _):
            lhs.forEachChild(body)
            rhs.forEachChild(body)
        case .forExpression(let loop):
            loop.collection.forEachChild(body)
            loop.key?.forEachChild(body)
            loop.value.forEachChild(body)
            loop.condition?.forEachChild(body)
        }
    }
}

extension Expression {
    /// One `key = value` (or `key: value`) item of an object constructor.
    public struct ObjectItem: Hashable, Sendable {
        /// The key: a bare identifier is a `.literal` string; anything else is evaluated.
        public var key: Expression
        /// The value.
        public var value: Expression

        /// Creates an item.
        public init(key: Expression, value: Expression) {
            self.key = key
            self.value = value
        }
    }

    /// A prefix operator.
    public enum UnaryOperator: String, Hashable, Sendable {
        case negate = "-"
        case not = "!"
    }

    /// An infix operator, with Terraform's precedence.
    public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
        case or = "||"
        case and = "&&"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case modulo = "%"

        /// Higher binds tighter: `||` 1, `&&` 2, `==` `!=` 3, comparisons 4, `+` `-` 5, `*` `/` `%` 6.
        public var precedence: Int {
            switch self {
            case .or: 1
            case .and: 2
            case .equal, .notEqual: 3
            case .less, .lessOrEqual, .greater, .greaterOrEqual: 4
            case .add, .subtract: 5
            case .multiply, .divide, .modulo: 6
            }
        }
    }
}
