extension Value {
    /// Canonical compact JSON: keys sorted, integers without fraction, `unknown` as `null` (the same encoder as
    /// `jsonencode`, without its HTML escaping). Equal values always give equal text, which makes it fit for digests.
    public var canonicalJSON: String {
        ValueJSON.encode(self, escapeHTML: false)
    }
}
