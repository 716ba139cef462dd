/// How Terraform is run for a project: which binary and how many units at once.
public struct TerraformSettings: Hashable, Sendable {
    /// The Terraform-compatible binary: `terraform` or `tofu`, looked up on the PATH, or an absolute path
    /// (`/opt/terraform/1.9.8/terraform`, `/usr/local/bin/tofu`).
    ///
    /// Relative paths are refused: what they would be relative to (the repository, the checkout the service keeps,
    /// the working directory of a unit) differs between the CLI and the service. Whether the binary exists is checked
    /// when it runs (the CLI checks it once per run), not when the manifest is read.
    public struct Binary: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The name or absolute path, as written.
        public let rawValue: String

        /// `terraform`, looked up on the PATH.
        public static let terraform = Binary(checked: "terraform")
        /// `tofu` (OpenTofu), looked up on the PATH.
        public static let tofu = Binary(checked: "tofu")

        /// `terraform`, `tofu` or an absolute path; nil when ``parse(_:)`` refuses it.
        public init?(rawValue: String) {
            guard case .success(let binary) = Self.parse(rawValue) else { return nil }
            self = binary
        }

        private init(checked rawValue: String) {
            self.rawValue = rawValue
        }

        /// Whether the binary is given by path rather than looked up on the PATH.
        public var isPath: Bool { rawValue.hasPrefix("/") }

        /// The binary's file name, as shown in messages: `terraform`, `tofu`.
        public var name: String { rawValue.split(separator: "/").last.map(String.init) ?? rawValue }

        public var description: String { rawValue }

        /// Why a `terraform.binary` value is refused; both texts are safe to show.
        public struct ParseError: Error, Hashable, Sendable {
            /// What is wrong.
            public var message: String
            /// How to write it instead.
            public var hint: String
        }

        /// Reads `terraform.binary`: `terraform`, `tofu` or an absolute path.
        public static func parse(_ text: String) -> Result<Binary, ParseError> {
            let hint = "use `terraform` or `tofu`"
            guard !text.isEmpty else { return .failure(ParseError(message: "`terraform.binary` is empty", hint: hint)) }
            guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }), text.utf8.count <= 4096 else {
                return .failure(ParseError(message: "`terraform.binary` holds control characters or is too long", hint: hint))
            }
            if text.hasPrefix("/") {
                let components = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
                guard !text.hasSuffix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                    return .failure(ParseError(
                        message: "Terraform binary path `\(text)` is not a plain absolute path to a file",
                        hint: "write it without `.`, `..`, `//` or a trailing `/`"))
                }
                return .success(Binary(checked: text))
            }
            if text.contains("/") || text.hasPrefix("~") {
                return .failure(ParseError(
                    message: "Terraform binary path `\(text)` is relative",
                    hint: "use an absolute path (a relative one would depend on where Terrace runs), or `terraform` or `tofu` from the PATH"))
            }
            guard text == "terraform" || text == "tofu" else {
                return .failure(ParseError(message: "unknown Terraform binary `\(text)`", hint: hint))
            }
            return .success(Binary(checked: text))
        }
    }

    /// The binary: `terraform` by default.
    public var binary: Binary
    /// How many units may run at once.
    public var parallelism: Int

    /// Creates settings; by default `terraform` with 4 units at once.
    public init(binary: Binary = .terraform, parallelism: Int = 4) {
        self.binary = binary
        self.parallelism = parallelism
    }
}
