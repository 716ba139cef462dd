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
    /// Like ``listFiles(under:)``, but throws `tooManyFiles` as soon as more than `limit` files are found, so a
    /// folder of millions of files is not listed whole.
    func listFiles(under directory: String, atMost limit: Int) throws(FileSystemError) -> [String]
    /// The size in bytes of the file at `path`, or nil when there is none.
    func size(of path: String) -> Int?
    /// `path` with every symbolic link in it resolved (the path itself when nothing is linked or it does not exist).
    func resolvingSymbolicLinks(_ path: String) -> String
}

/// What a path names.
public enum FileKind: Sendable, Hashable {
    case file
    case directory
}

extension FileSystem {
    /// Lists everything, then checks the count; file systems that can stop early override this.
    public func listFiles(under directory: String, atMost limit: Int) throws(FileSystemError) -> [String] {
        let files = try listFiles(under: directory)
        guard files.count <= limit else { throw FileSystemError(.tooManyFiles, path: directory) }
        return files
    }

    /// Reads the file to measure it; file systems that can ask for the size override this.
    public func size(of path: String) -> Int? {
        (try? readFile(path))?.count
    }

    /// No links: the path itself.
    public func resolvingSymbolicLinks(_ path: String) -> String {
        RepoPath.normalize(path)
    }

    /// The contents of the file at `path` decoded as UTF-8 (invalid bytes are replaced).
    public func readText(_ path: String) throws(FileSystemError) -> String {
        let bytes = try readFile(path)
        return String(decoding: bytes, as: UTF8.self)
    }
}
