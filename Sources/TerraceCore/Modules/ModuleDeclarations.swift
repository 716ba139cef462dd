/// The inputs and outputs a Terraform module declares, read from its `.tf` and `.tf.json` files.
///
/// Read each file with ``read(hcl:path:)`` or ``read(json:path:)`` and combine them with ``merging(_:)``.
/// Syntax problems never stop reading: they are collected in ``diagnostics`` and the declarations
/// that could still be recognised are kept.
public struct ModuleDeclarations: Hashable, Sendable {
    /// The declared variables, by name.
    public var variables: [String: VariableDeclaration]
    /// The declared outputs, by name.
    public var outputs: [String: OutputDeclaration]
    /// The problems found while reading: syntax errors and duplicate declarations.
    public var diagnostics: [Diagnostic]

    /// Creates a set of declarations.
    public init(
        variables: [String: VariableDeclaration] = [:],
        outputs: [String: OutputDeclaration] = [:],
        diagnostics: [Diagnostic] = []
    ) {
        self.variables = variables
        self.outputs = outputs
        self.diagnostics = diagnostics
    }

    /// Reads one HCL (`.tf`) file's declarations; `path` is used for locations (repo-relative), `contents` is the file text.
    public static func read(hcl contents: String, path: String) -> ModuleDeclarations {
        var reader = HCLDeclarationReader(contents: contents, path: path)
        return reader.read()
    }

    /// Merges the declarations of several files of one module, in order.
    ///
    /// A variable or output declared twice keeps its first declaration and adds a diagnostic
    /// at the second: "duplicate variable `x`; first declared at file:line:col".
    public static func merging(_ files: [ModuleDeclarations]) -> ModuleDeclarations {
        var merged = ModuleDeclarations()
        for file in files {
            merged.diagnostics.append(contentsOf: file.diagnostics)
            for variable in file.variables.values.sorted(by: { $0.location < $1.location }) {
                merged.add(variable)
            }
            for output in file.outputs.values.sorted(by: { $0.location < $1.location }) {
                merged.add(output)
            }
        }
        return merged
    }

    /// Adds a variable, or a diagnostic when one of the same name is already declared.
    mutating func add(_ variable: VariableDeclaration) {
        if let first = variables[variable.name] {
            diagnostics.append(.error(
                variable.location,
                "duplicate variable `\(variable.name)`; first declared at \(first.location)"
            ))
        } else {
            variables[variable.name] = variable
        }
    }

    /// Adds an output, or a diagnostic when one of the same name is already declared.
    mutating func add(_ output: OutputDeclaration) {
        if let first = outputs[output.name] {
            diagnostics.append(.error(
                output.location,
                "duplicate output `\(output.name)`; first declared at \(first.location)"
            ))
        } else {
            outputs[output.name] = output
        }
    }
}
