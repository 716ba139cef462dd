/// How Terraform is run for a project: which binary and how many units at once.
public struct TerraformSettings: Hashable, Sendable {
    /// The Terraform-compatible binary.
    public enum Binary: String, Hashable, Sendable, CaseIterable {
        case terraform
        case tofu
    }

    /// `terraform` or `tofu`.
    public var binary: Binary
    /// How many units may run at once.
    public var parallelism: Int

    /// Creates settings; by default `terraform` with 4 units at once.
    public init(binary: Binary = .terraform, parallelism: Int = 4) {
        self.binary = binary
        self.parallelism = parallelism
    }
}
