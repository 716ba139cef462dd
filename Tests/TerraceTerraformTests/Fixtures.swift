import Foundation
import TerraceCore

/// Jobs and folders shared by the tests.
enum Fixtures {
    /// A job for `module` (a folder), in `eu-west-1` unless told, with an optional endpoint.
    static func job(
        module directory: String = "/nonexistent/module", infrastructure: String = "prod", unit: String = "network",
        inputs: [String: Value] = [:], endpoint: String? = nil, region: String = "eu-west-1", bucket: String = "acme-state",
        runID: String = "run-1", lockTimeoutSeconds: Int = 0
    ) -> UnitJob {
        UnitJob(
            runID: runID, infrastructure: infrastructure, unit: unit,
            module: ResolvedModule(
                source: .local(directory), directory: directory, displayName: "modules/test",
                declarations: ModuleDeclarations(), digest: "sha256:test"),
            inputs: inputs, cloud: CloudSettings(region: region, endpoint: endpoint),
            backend: BackendSettings(bucket: bucket), lockTimeoutSeconds: lockTimeoutSeconds)
    }

    /// A fresh empty folder below the system's temporary folder.
    static func temporaryFolder(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let path = NSTemporaryDirectory() + "terrace-tf-\(safe)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `files` (relative path → text) below `folder`.
    static func write(_ files: [String: String], in folder: String) throws {
        for (relative, text) in files {
            let path = folder + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    /// Bytes of a JSON text.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
