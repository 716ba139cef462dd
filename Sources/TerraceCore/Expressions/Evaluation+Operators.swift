extension Evaluation {
    /// `-x` and `!x`.
    mutating func unary(_ op: Expression.UnaryOperator, _ operand: Expression) throws(ExpressionError) -> TypedValue {
        let value = try evaluate(operand)
        switch op {
        case .negate:
            guard let number = try Self.operand(value, as: .number, at: operand.location, side: "unary") else {
                return .unknown(.number)
            }
            guard case .number(let n) = number else { return .unknown(.number) }
            return .number(-n)
        case .not:
            guard let flag = try Self.operand(value, as: .bool, at: operand.location, side: "unary") else {
                return .unknown(.bool)
            }
            guard case .bool(let b) = flag else { return .unknown(.bool) }
            return .bool(!b)
        }
    }

    /// An infix operation, with HCL's conversions, unknown handling and `&&`/`||` short-circuits.
    mutating func binary(_ op: Expression.BinaryOperator, _ lhs: Expression, _ rhs: Expression, at location: SourceLocation)
        throws(ExpressionError) -> TypedValue
    {
        switch op {
        case .and, .or:
            return try logical(op, lhs, rhs)
        case .equal, .notEqual:
            let left = try evaluate(lhs)
            let right = try evaluate(rhs)
            let equal = TypedValue.equals(left, right)
            guard case .bool(let flag) = equal else { return .unknown(.bool) }
            return .bool(op == .equal ? flag : !flag)
        default:
            break
        }
        let leftValue = try evaluate(lhs)
        let rightValue = try evaluate(rhs)
        let left = try Self.operand(leftValue, as: .number, at: lhs.location, side: "left")
        let right = try Self.operand(rightValue, as: .number, at: rhs.location, side: "right")
        let comparison = [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(op)
        guard case .number(let a) = left, case .number(let b) = right else {
            return .unknown(comparison ? .bool : .number)
        }
        switch op {
        case .less: return .bool(a < b)
        case .lessOrEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterOrEqual: return .bool(a >= b)
        case .add: return try Self.arithmetic(a + b, at: location, "cannot add infinities of opposite signs")
        case .subtract: return try Self.arithmetic(a - b, at: location, "cannot subtract an infinity from itself")
        case .multiply: return try Self.arithmetic(a * b, at: location, "cannot multiply zero by infinity")
        case .divide:
            return try Self.arithmetic(a / b, at: location, "cannot divide zero by zero or infinity by infinity")
        case .modulo: return try Self.arithmetic(a % b, at: location, "cannot use modulo with zero and infinity")
        case .and, .or, .equal, .notEqual: return .unknown(.dynamic)
        }
    }

    private static func arithmetic(_ result: Number?, at location: SourceLocation, _ message: String)
        throws(ExpressionError) -> TypedValue
    {
        guard let result else { throw ExpressionError(at: location, message) }
        return .number(result)
    }

    /// `&&` and `||`: both sides are evaluated and must succeed (Terraform 1.11 does not short-circuit errors);
    /// a known side that decides the result still makes an unknown other side irrelevant.
    private mutating func logical(_ op: Expression.BinaryOperator, _ lhs: Expression, _ rhs: Expression)
        throws(ExpressionError) -> TypedValue
    {
        let leftValue = try evaluate(lhs)
        let rightValue = try evaluate(rhs)
        let left = try Self.operand(leftValue, as: .bool, at: lhs.location, side: "left")
        let right = try Self.operand(rightValue, as: .bool, at: rhs.location, side: "right")
        let deciding = op == .or
        let leftFlag: Bool? = if case .bool(let flag) = left { flag } else { nil }
        let rightFlag: Bool? = if case .bool(let flag) = right { flag } else { nil }
        if leftFlag == deciding || rightFlag == deciding { return .bool(deciding) }
        guard let a = leftFlag, let b = rightFlag else { return .unknown(.bool) }
        return .bool(op == .or ? (a || b) : (a && b))
    }

    /// An operand converted to `type`; nil when it is unknown.
    static func operand(_ value: TypedValue, as type: ValueType, at location: SourceLocation, side: String)
        throws(ExpressionError) -> TypedValue?
    {
        if !value.isWhollyKnown { return nil }
        if value.isNull {
            throw ExpressionError(at: location, "the \(side) operand is null: a \(type.friendlyName) is required")
        }
        do throws(ConversionError) {
            return try TypeConversion.convert(value, to: type)
        } catch {
            throw ExpressionError(
                at: location, "unsuitable value for the \(side) operand: \(error.message), got \(describe(value))")
        }
    }
}
