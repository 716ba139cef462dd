import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TerraceCore

/// Fetches Argo CD install manifests: over HTTPS (plain HTTP on the loopback interface only), or from a file of the
/// repository. What was fetched is kept by its SHA-256, in memory and in ``cacheDirectory`` as `<sha256>.yaml`, so a
/// manifest is fetched once per machine; an air-gapped machine can be seeded by putting the file there.
public actor InstallManifestFetcher {
    private var cache: [String: [UInt8]] = [:]
    /// The largest manifest accepted (the v3.5.1 manifest is about 2 MB).
    public let maximumBytes: Int
    /// Where fetched manifests are kept by digest; nil keeps them in memory only.
    public let cacheDirectory: String?

    /// Creates a fetcher.
    public init(cacheDirectory: String? = nil, maximumBytes: Int = 32 << 20) {
        self.cacheDirectory = cacheDirectory
        self.maximumBytes = maximumBytes
    }

    /// The manifest at `location`: an `https://` or loopback `http://` URL, or a path relative to `root`.
    /// A manifest whose SHA-256 is `expectedSHA256` and was fetched before is not fetched again.
    /// - Throws: ``KubernetesError`` `unreachable` or `invalidManifest` naming the location.
    public func manifest(at location: String, root: String, expectedSHA256: String) async throws(KubernetesError) -> [UInt8] {
        let digest = expectedSHA256.lowercased()
        if let cached = cache[digest] { return cached }
        let cachedFile = cacheDirectory.map { "\($0)/\(digest).yaml" }
        if let cachedFile, let data = FileManager.default.contents(atPath: cachedFile),
            ArgoCDInstall.hexSHA256(Array(data)) == digest
        {
            cache[digest] = Array(data)
            return Array(data)
        }
        let bytes: [UInt8]
        if location.hasPrefix("https://") || location.hasPrefix("http://") {
            bytes = try await download(location)
            if let cacheDirectory, let cachedFile, ArgoCDInstall.hexSHA256(bytes) == digest {
                // A cache that cannot be written only costs a download next time.
                try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: cachedFile + ".tmp", contents: Data(bytes))
                _ = try? FileManager.default.replaceItemAt(
                    URL(fileURLWithPath: cachedFile), withItemAt: URL(fileURLWithPath: cachedFile + ".tmp"))
            }
        } else {
            let path = RepoPath.join(root, location)
            guard RepoPath.isInside(path, root: root) else {
                throw KubernetesError(.invalidManifest, "the Argo CD manifest path `\(location)` leaves the repository")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubernetesError(
                    .invalidManifest, "cannot read the Argo CD manifest `\(location)`",
                    hint: "`addons.argocd.manifest` names a file relative to the manifest, inside the repository")
            }
            bytes = Array(data)
        }
        if ArgoCDInstall.hexSHA256(bytes) == digest { cache[digest] = bytes }
        return bytes
    }

    private func download(_ url: String) async throws(KubernetesError) -> [UInt8] {
        let limit = maximumBytes
        do {
            return try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(120)).validated(url, limit: limit)
        } catch let error as KubernetesError {
            throw error
        } catch {
            throw KubernetesError(
                .unreachable, "cannot fetch the Argo CD manifest from \(url): \(error)",
                hint: "check the network, or keep the manifest in the repository (`addons.argocd.manifest: ./argocd/install.yaml`)")
        }
    }
}

extension HTTPClientResponse {
    /// The body of a 200 answer, at most `limit` bytes.
    fileprivate func validated(_ url: String, limit: Int) async throws -> [UInt8] {
        guard status == .ok else {
            throw KubernetesError(.invalidManifest, "fetching the Argo CD manifest from \(url) answered \(status.code)")
        }
        let body = try await self.body.collect(upTo: limit)
        return Array(body.readableBytesView)
    }
}
