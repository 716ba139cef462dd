extension Number: ExpressibleByIntegerLiteral {
    /// A whole number written in Swift source, as `Number(_: Int)` makes it (64-bit precision, like
    /// `cty.NumberIntVal`). Values read from manifests go through `init?(parsing:)` instead.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}
