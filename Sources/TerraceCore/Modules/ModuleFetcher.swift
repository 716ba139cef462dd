/// Fetches remote module sources into a local cache, so the core can read them through a ``FileSystem``.
public protocol ModuleFetcher: Sendable {
    /// Fetches `source`'s repository at its ref and returns the absolute folder of the checkout
    /// (the repository root; the caller appends the source's subdirectory).
    func fetch(_ source: GitModuleSource) async throws(ModuleFetchError) -> String
}

/// A module could not be fetched.
public struct ModuleFetchError: Error, Hashable, Sendable {
    /// A one-line message safe to show (credentials in URLs are never included).
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }
}

/// A fetcher for tests: serves git sources from folders of a file system, by URL.
public struct InMemoryModuleFetcher: ModuleFetcher {
    /// The checkout folder for each repository URL.
    public var checkouts: [String: String]

    /// Creates a fetcher.
    public init(checkouts: [String: String]) {
        self.checkouts = checkouts
    }

    public func fetch(_ source: GitModuleSource) async throws(ModuleFetchError) -> String {
        guard let folder = checkouts[source.url] else {
            throw ModuleFetchError("cannot fetch `\(source.url)`: repository not found")
        }
        return folder
    }
}
