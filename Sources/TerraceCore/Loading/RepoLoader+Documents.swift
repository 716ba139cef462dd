import Yams

extension RepoLoader {
    /// The manifest format versions this release reads; `apiVersion` is optional and, when given, one of these.
    public static let supportedAPIVersions = ["terrace.dev/v1alpha1"]

    /// An error when a Terrace document names an `apiVersion` this release does not read.
    static func apiVersionProblem(_ node: Node, file: String) -> Diagnostic? {
        guard case .mapping(let mapping) = node, let value = mapping["apiVersion"] else { return nil }
        let location = SourceLocation(file: file, line: value.mark?.line ?? 0, column: value.mark?.column ?? 0)
        let supported = supportedAPIVersions.map { "`\($0)`" }.joined(separator: ", ")
        guard case .scalar(let scalar) = value else {
            return .error(location, "`apiVersion` must be a string", hint: "supported: \(supported), or leave it out")
        }
        guard !supportedAPIVersions.contains(scalar.string) else { return nil }
        return .error(
            location, "unsupported apiVersion `\(scalar.string)`",
            hint: "this Terrace reads \(supported) (or no `apiVersion`); a newer format needs a newer Terrace")
    }

    /// A warning for a mapping without `kind` that looks like an infrastructure manifest: it has `name` and `cloud`,
    /// or it sits in the infrastructures folder. Such a document is ignored, which is rarely what was meant.
    static func kindlessWarning(_ node: Node, file: String) -> Diagnostic? {
        guard case .mapping(let mapping) = node, mapping["kind"] == nil else { return nil }
        let looksLikeInfrastructure = mapping["name"] != nil && mapping["cloud"] != nil
        guard looksLikeInfrastructure || file.hasPrefix(infrastructuresFolder) else { return nil }
        return Diagnostic(
            .warning, at: SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1),
            "this document has no `kind`, so Terrace ignores it",
            hint: "add `kind: Infrastructure` if it is an infrastructure manifest")
    }
}
