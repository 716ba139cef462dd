/// Read access to files, so the core can load repositories and modules without doing I/O itself.
///
/// Paths are absolute and `/`-separated. `TerraceLocal.LocalFileSystem` reads the disk;
/// ``InMemoryFileSystem`` serves tests.
public protocol FileSystem: Sendable {
    /// The contents of the file at `path`.
    func readFile(_ path: String) throws(FileSystemError) -> [UInt8]
    /// Every regular file below `directory`, recursively, as paths relative to it, sorted.
    /// Directories whose name starts with `.` are skipped (`.git`, `.terraform`, `.terrace`).
    func listFiles(under directory: String) throws(FileSystemError) -> [String]
    /// What is at `path`: a file, a directory, or nothing.
    func kind(of path: String) -> FileKind?
}

/// What a path names.
public enum FileKind: Sendable, Hashable {
    case file
    case directory
}

extension FileSystem {
    /// The contents of the file at `path` decoded as UTF-8 (invalid bytes are replaced).
    public func readText(_ path: String) throws(FileSystemError) -> String {
        let bytes = try readFile(path)
        return String(decoding: bytes, as: UTF8.self)
    }
}
