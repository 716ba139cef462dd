import Yams

extension ManifestDecoder {
    /// Decodes a unit's `module:`, evaluating `${…}` expressions in it first for this infrastructure.
    ///
    /// Only `infra.*` and `project.*` may be referenced (`git::https://host/m.git//vpc?ref=${infra.vars.modules_ref}`):
    /// unit outputs are not known before anything runs, and the module must be. The evaluated text is then read like
    /// any `module:` (a local path relative to the manifest, or a `git::` source), problems reported at the value.
    /// Returns the source and, for a templated value, the text as written.
    mutating func decodeUnitModule(
        _ node: Node, _ what: String, scope: InputRenderer
    ) -> (source: ModuleSource?, template: String?) {
        guard case .scalar(let scalar) = node, case .string(let text) = reader.scalarValue(scalar),
            TemplateParser.containsOpening(text)
        else { return (decodeModuleSource(node, what), nil) }
        let template: Template
        switch TemplateParser.parse(text, at: reader.contentLocation(of: node)) {
        case .success(let parsed): template = parsed
        case .failure(let failure):
            reader.diagnostics.append(failure.diagnostic)
            return (nil, text)
        }
        let resolve: (Reference) throws(ExpressionError) -> Value = { reference throws(ExpressionError) in
            guard let root = reference.path.first, root == "infra" || root == "project" else {
                throw ExpressionError(
                    at: reference.location,
                    "`\(what)` cannot use `\(reference.text)`: the module must be known before anything runs, so only "
                        + "`infra.*` and `project.*` may be referenced",
                    hint: "pass unit outputs to the module as `inputs` instead")
            }
            return try scope.resolve(reference)
        }
        let value: Value
        do throws(ExpressionError) {
            value = try Evaluator.evaluate(template, resolve: resolve)
        } catch {
            reader.diagnostics.append(error.diagnostic)
            return (nil, text)
        }
        guard case .string(let rendered) = value else {
            reader.error(node, "`\(what)` must evaluate to a string, got \(value.typeName)")
            return (nil, text)
        }
        let renderedNode = Node.scalar(Node.Scalar(rendered, scalar.tag, .plain, scalar.mark))
        let before = reader.diagnostics.count
        let source = decodeModuleSource(renderedNode, what)
        if reader.diagnostics.count > before {
            // Say what the expressions made of it: the message names the evaluated text.
            for index in before..<reader.diagnostics.count {
                let hint = reader.diagnostics[index].hint.map { "; \($0)" } ?? ""
                reader.diagnostics[index].hint = "`\(text)` evaluates to `\(rendered)`\(hint)"
            }
        }
        return (source, text)
    }

    /// What a templated `module:` of the infrastructure being decoded may reference: its name, region and variables,
    /// and the project's name and variables.
    static func moduleScope(name: String, vars: [String: Value], cloud: CloudSettings, project: Project, file: String) -> InputRenderer {
        let infrastructure = Infrastructure(
            name: name, file: file, location: SourceLocation(file: file), vars: vars, cloud: cloud, backend: BackendSettings(bucket: ""))
        return InputRenderer(project: project, infrastructure: infrastructure, outputs: [:])
    }
}
