import Foundation
import TerraceCore

/// The disk, read through the core's ``FileSystem`` protocol.
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
        guard let kind = kind(of: directory) else { throw FileSystemError(.notFound, path: directory) }
        guard kind == .directory else { throw FileSystemError(.notADirectory, path: directory) }
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
                switch self.kind(of: directory + "/" + child) {
                case .directory:
                    if !name.hasPrefix(".") { pending.append(child) }
                case .file: files.append(child)
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
}
