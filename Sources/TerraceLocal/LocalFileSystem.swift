import Foundation
import TerraceCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The disk, read through the core's ``FileSystem`` protocol.
///
/// Listings do not follow a symbolic link that leads outside the folder being listed, nor one that leads back into
/// a folder already listed (a loop), so a repository cannot make Terrace walk the rest of the disk.
public struct LocalFileSystem: FileSystem {
    /// Creates a file system over the real disk.
    public init() {}

    public func readFile(_ path: String) throws(FileSystemError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileSystemError(kind(of: path) == nil ? .notFound : .unreadable, path: path)
        }
        return [UInt8](data)
    }

    public func listFiles(under directory: String) throws(FileSystemError) -> [String] {
        try listFiles(under: directory, atMost: Int.max)
    }

    public func listFiles(under directory: String, atMost limit: Int) throws(FileSystemError) -> [String] {
        guard let kind = kind(of: directory) else { throw FileSystemError(.notFound, path: directory) }
        guard kind == .directory else { throw FileSystemError(.notADirectory, path: directory) }
        let realRoot = resolvingSymbolicLinks(directory)
        var visited: Set<String> = [realRoot]
        var files: [String] = []
        var pending = [""]
        let manager = FileManager.default
        while let relative = pending.popLast() {
            let absolute = relative.isEmpty ? directory : directory + "/" + relative
            guard let names = try? manager.contentsOfDirectory(atPath: absolute) else {
                throw FileSystemError(.unreadable, path: absolute)
            }
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                let path = directory + "/" + child
                var target = path
                if isSymbolicLink(path) {
                    target = resolvingSymbolicLinks(path)
                    guard RepoPath.isInside(target, root: realRoot) else { continue }
                }
                switch self.kind(of: path) {
                case .directory:
                    guard !name.hasPrefix("."), visited.insert(resolvingSymbolicLinks(target)).inserted else { continue }
                    pending.append(child)
                case .file:
                    files.append(child)
                    if files.count > limit { throw FileSystemError(.tooManyFiles, path: directory) }
                case nil: continue
                }
            }
        }
        return files.sorted()
    }

    public func kind(of path: String) -> FileKind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }

    public func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    public func resolvingSymbolicLinks(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return RepoPath.normalize(path) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFLNK
    }
}
