import Foundation

extension KubernetesTestServer {
    /// The upstream fixtures folder, `shared/fixtures` beside the repository (here and in CI). Read-only: tests read
    /// the upstream files there and never copy them into the project.
    public static var fixturesFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/fixtures").standardizedFileURL
    }

    /// The CRD files each addon chart installs, under `crds/` of the fixtures folder: the upstream CRDs of
    /// cert-manager, external-secrets and CloudNativePG (chart names as in the addon catalogue).
    public static let addonChartCRDFiles: [String: [String]] = [
        "cert-manager": [
            "cert-manager.io_certificates.yaml", "cert-manager.io_clusterissuers.yaml", "cert-manager.io_issuers.yaml",
        ],
        "external-secrets": ["external-secrets.io_clustersecretstores.yaml", "external-secrets.io_externalsecrets.yaml"],
        "cloudnative-pg": ["postgresql.cnpg.io_crds.yaml"],
    ]

    /// The standard chart -> CRD files mapping for ``start(watchList:establishDelay:timeout:simulateControllers:acceptEKSTokens:chartCRDs:)``:
    /// ``addonChartCRDFiles`` as absolute paths under `fixtures`.
    ///
    /// - Throws: ``HarnessError`` naming every missing file, so a test says which upstream CRD it lacks instead of
    ///   passing without it.
    public static func addonChartCRDs(fixtures: URL = fixturesFolder) throws -> [String: [String]] {
        let folder = fixtures.appendingPathComponent("crds")
        var mapping: [String: [String]] = [:]
        var missing: [String] = []
        for (chart, names) in addonChartCRDFiles {
            mapping[chart] = names.map { name in
                let path = folder.appendingPathComponent(name).path
                if !FileManager.default.isReadableFile(atPath: path) { missing.append(path) }
                return path
            }
        }
        guard missing.isEmpty else {
            throw HarnessError(
                "the upstream CRD fixtures \(missing.sorted().joined(separator: ", ")) are missing: the chart CRDs of the addons "
                    + "(cert-manager, external-secrets, cloudnative-pg) cannot be installed without them")
        }
        return mapping
    }
}
