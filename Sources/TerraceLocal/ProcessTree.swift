import Foundation

/// The processes of this machine as a tree, read from `/proc` (Linux).
public enum ProcessTree {
    /// The processes below `pid` (children, their children, …), read from `/proc/<pid>/stat`.
    public static func descendants(of pid: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(child) }
        }
        var result: [Int32] = []
        var pending = [pid]
        while let next = pending.popLast() {
            for child in children[next] ?? [] {
                result.append(child)
                pending.append(child)
            }
        }
        return result
    }
}
