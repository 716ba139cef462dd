/// A module found on disk: where it is, what it declares, and a digest of its files.
public struct ResolvedModule: Hashable, Sendable {
    /// Where the module comes from, as written.
    public var source: ModuleSource
    /// The folder holding the module's `.tf` files (absolute).
    public var directory: String
    /// How the module is shown to users: a repo-relative path, `builtin:aws/network` or the git source.
    public var displayName: String
    /// The module's variables and outputs.
    public var declarations: ModuleDeclarations
    /// `sha256:` digest of every file below the module folder (paths and contents).
    public var digest: String

    /// Creates a resolved module.
    public init(source: ModuleSource, directory: String, displayName: String, declarations: ModuleDeclarations, digest: String) {
        self.source = source
        self.directory = directory
        self.displayName = displayName
        self.declarations = declarations
        self.digest = digest
    }
}
