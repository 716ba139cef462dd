import TerraceCore

extension TerraformExecutor {
    /// Checks that this executor's binary runs and is recent enough; returns its version (`1.11.4`).
    ///
    /// Run it once per run, before any unit. Throws `.setup` when the binary is missing, its version
    /// cannot be read, or it is older than ``TerraformVersion/minimum``.
    public func checkBinary() async throws(UnitFailure) -> String {
        try await Self.checkBinary(executable: executable, environment: processEnvironment)
    }

    /// Checks that `terraform` or `tofu` is on the PATH and recent enough; returns its version.
    public static func checkBinary(
        _ binary: TerraformSettings.Binary, environment: [String: String] = [:]
    ) async throws(UnitFailure) -> String {
        try await checkBinary(executable: binary.rawValue, environment: environment)
    }

    /// Checks that the binary named (looked up on the PATH) or at a path runs `version -json` and is at
    /// least ``TerraformVersion/minimum``; returns its version.
    public static func checkBinary(
        executable: String, environment: [String: String] = [:]
    ) async throws(UnitFailure) -> String {
        var variables = environment
        variables["CHECKPOINT_DISABLE"] = variables["CHECKPOINT_DISABLE"] ?? "1"
        let process = TerraformProcess(executable: executable, environment: variables, interruptGracePeriod: .seconds(5))
        let result = try await process.capture(["version", "-json"])
        let name = process.displayName
        guard result.exitCode == 0 else {
            throw UnitFailure(.setup, phase: .`init`, "`\(name) version -json` failed with exit code \(result.exitCode)")
        }
        return try checkVersion(versionJSON: result.standardOutput, name: name)
    }

    /// The version in `version -json`'s output, or `.setup` when unreadable or older than the minimum.
    static func checkVersion(versionJSON: [UInt8], name: String) throws(UnitFailure) -> String {
        let text: String
        do {
            text = try TerraformJSON.version(versionJSON: versionJSON)
        } catch {
            throw UnitFailure(.setup, phase: .`init`, "cannot read the version printed by `\(name) version -json` (Terrace needs 1.5 or later)")
        }
        guard let version = TerraformVersion(text) else {
            throw UnitFailure(.setup, phase: .`init`, "`\(name)` reports an unreadable version `\(text)`")
        }
        guard version >= TerraformVersion.minimum else {
            throw UnitFailure(.setup, phase: .`init`,
                              "\(name) \(version) is too old: Terrace needs \(TerraformVersion.minimum.major).\(TerraformVersion.minimum.minor) or later")
        }
        return text
    }
}
