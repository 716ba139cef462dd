/// A file system held in memory, for tests and for generating repos before writing them.
public struct InMemoryFileSystem: FileSystem {
    /// File contents by absolute path.
    public var files: [String: [UInt8]]

    /// Creates a file system from text files keyed by absolute path.
    public init(_ files: [String: String] = [:]) {
        self.files = files.reduce(into: [:]) { result, entry in
            result[RepoPath.normalize(entry.key)] = Array(entry.value.utf8)
        }
    }

    /// Adds or replaces a text file.
    public mutating func write(_ path: String, _ text: String) {
        files[RepoPath.normalize(path)] = Array(text.utf8)
    }

    /// Adds or replaces a file of raw bytes.
    public mutating func write(_ path: String, bytes: [UInt8]) {
        files[RepoPath.normalize(path)] = bytes
    }

    /// Removes a file.
    public mutating func remove(_ path: String) {
        files[RepoPath.normalize(path)] = nil
    }

    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        guard let bytes = files[RepoPath.normalize(path)] else { throw FileSystemError(.notFound, path: path) }
        return bytes
    }

    public func listFiles(under directory: String) throws(FileSystemError) -> [String] {
        guard kind(of: directory) == .directory else {
            throw FileSystemError(kind(of: directory) == .file ? .notADirectory : .notFound, path: directory)
        }
        let root = RepoPath.normalize(directory)
        return files.keys.compactMap { path -> String? in
            guard let relative = RepoPath.relative(path, to: root), relative != "." else { return nil }
            let hidden = relative.split(separator: "/").dropLast().contains { $0.hasPrefix(".") }
            return hidden ? nil : relative
        }.sorted()
    }

    public func size(of path: String) -> Int? {
        files[RepoPath.normalize(path)]?.count
    }

    public func kind(of path: String) -> FileKind? {
        let normalized = RepoPath.normalize(path)
        if files[normalized] != nil { return .file }
        let prefix = normalized == "/" ? "/" : normalized + "/"
        return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : nil
    }
}
