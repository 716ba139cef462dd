/// A failed type conversion, JSON encoding or JSON decoding (cty's path errors).
///
/// `path` locates the failing part inside the value, one step per element in HCL traversal syntax: `[0]` for a
/// list, set or tuple index, `["key"]` for a map key, `.name` for an object attribute (Terraform's
/// `tfdiags.FormatCtyPath` joins them: `.a[0]["k"]`). It is empty when the value as a whole is at fault.
/// `message` is cty's wording, starting in lowercase without a final period, e.g. "a number is required",
/// "incorrect list element type: string required", "attribute \"x\" is required".
public struct ConversionError: Error, Sendable, Equatable {
    /// Where in the value the failure is, outermost step first.
    public var path: [String]
    /// What failed.
    public var message: String

    /// A failure at `path` (empty: the whole value).
    public init(path: [String] = [], message: String) {
        self.path = path
        self.message = message
    }

    /// The path joined as Terraform prints it, e.g. `.a[0]["k"]`; empty for the whole value.
    public var formattedPath: String { path.joined() }

    /// A path step for a sequence index: `[3]`.
    static func indexStep(_ index: Int) -> String { "[\(index)]" }

    /// A path step for a map key: `["key"]` (the key quoted as Go's `%q` would).
    static func keyStep(_ key: String) -> String { "[\(GoQuote.quote(key))]" }

    /// A path step for an object attribute: `.name`.
    static func attributeStep(_ name: String) -> String { ".\(name)" }
}
