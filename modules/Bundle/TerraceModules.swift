/// The Terraform modules Terrace ships, bundled as a resource folder next to the `terrace` binary.
public enum TerraceModules {
    /// The name of the resource folder SwiftPM places next to the executable; it holds `aws/…`.
    public static let resourceFolderName = "terrace_TerraceModules.resources"
}
