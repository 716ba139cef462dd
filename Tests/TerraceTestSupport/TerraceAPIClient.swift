/// Something that answers Terrace's HTTP API: a `terrace serve` process, or the image running it in a container.
public protocol TerraceAPIClient: Sendable {
    /// `GET /api/v1<path>` with the admin token, as a JSON object; throws unless it answers 200.
    func api(_ path: String, token: String) async throws -> [String: Any]
}

extension ServeProcess: TerraceAPIClient {}
extension PodmanContainer: TerraceAPIClient {}
