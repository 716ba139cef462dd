/// How many resources a Terraform plan adds, changes and destroys (from `terraform show -json`).
public struct ResourceSummary: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Resources to create (a replacement counts here and in `destroy`).
    public var add: Int
    /// Resources to update in place.
    public var change: Int
    /// Resources to destroy.
    public var destroy: Int

    /// Creates a summary.
    public init(add: Int = 0, change: Int = 0, destroy: Int = 0) {
        self.add = add
        self.change = change
        self.destroy = destroy
    }

    /// Whether the plan changes anything.
    public var hasChanges: Bool { add + change + destroy > 0 }

    /// `+2 ~1 -0`.
    public var description: String { "+\(add) ~\(change) -\(destroy)" }
}
