extension ModuleDeclarations {
    /// Reads one `.tf.json` file's declarations; `path` is used for locations (repo-relative), `contents` is the file text.
    ///
    /// Follows Terraform's JSON syntax: a top-level object whose `variable` and `output` properties
    /// map names to objects of arguments (an array of such objects is accepted too). A declaration's
    /// location is that of its name's key. Invalid JSON yields a single diagnostic at the error.
    public static func read(json contents: String, path: String) -> ModuleDeclarations {
        var declarations = ModuleDeclarations()
        var parser = LocatedJSONParser(text: contents)
        let root: LocatedJSON
        do {
            root = try parser.parse()
        } catch {
            declarations.diagnostics.append(.error(
                SourceLocation(file: path, line: error.line, column: error.column),
                "invalid JSON: \(error.message)"
            ))
            return declarations
        }
        guard case .object(let members) = root else {
            declarations.diagnostics.append(.error(
                SourceLocation(file: path, line: 1, column: 1),
                "a `.tf.json` file must hold a JSON object, not \(root.typeName == "array" ? "an" : "a") \(root.typeName)"
            ))
            return declarations
        }
        for member in members {
            switch member.key {
            case "variable":
                for block in declarations.blocks(of: member, path: path, noun: "variable") {
                    var variable = VariableDeclaration(name: block.name, location: block.location)
                    variable.hasDefault = block.arguments["default"] != nil
                    if case .string(let type)? = block.arguments["type"] {
                        variable.type = type
                    }
                    if case .string(let description)? = block.arguments["description"] {
                        variable.description = description
                    }
                    variable.sensitive = block.arguments["sensitive"] == .bool(true)
                    variable.nullable = block.arguments["nullable"] != .bool(false)
                    declarations.add(variable)
                }
            case "output":
                for block in declarations.blocks(of: member, path: path, noun: "output") {
                    var output = OutputDeclaration(name: block.name, location: block.location)
                    if case .string(let description)? = block.arguments["description"] {
                        output.description = description
                    }
                    output.sensitive = block.arguments["sensitive"] == .bool(true)
                    declarations.add(output)
                }
            default:
                continue
            }
        }
        declarations.diagnostics = declarations.diagnostics.sortedByLocation()
        return declarations
    }

    /// The labelled blocks under a `variable` or `output` property: `{"name": {…}}`, or arrays of such
    /// objects; property names `//` are comments. Anything else shaped wrongly is a diagnostic.
    private mutating func blocks(
        of member: LocatedJSON.Member,
        path: String,
        noun: String
    ) -> [(name: String, location: SourceLocation, arguments: [String: LocatedJSON])] {
        var found: [(name: String, location: SourceLocation, arguments: [String: LocatedJSON])] = []
        let propertyLocation = SourceLocation(file: path, line: member.line, column: member.column)
        var labelObjects: [[LocatedJSON.Member]] = []
        switch member.value {
        case .object(let labels):
            labelObjects.append(labels)
        case .array(let elements):
            for element in elements {
                if case .object(let labels) = element {
                    labelObjects.append(labels)
                } else {
                    diagnostics.append(.error(
                        propertyLocation,
                        "expected objects of \(noun)s in the `\(member.key)` array, found \(element.typeName)"
                    ))
                }
            }
        default:
            diagnostics.append(.error(
                propertyLocation,
                "expected an object of \(noun)s under `\(member.key)`, found \(member.value.typeName)"
            ))
        }
        for labels in labelObjects {
            for label in labels where label.key != "//" {
                let location = SourceLocation(file: path, line: label.line, column: label.column)
                var bodies: [[LocatedJSON.Member]] = []
                switch label.value {
                case .object(let body):
                    bodies.append(body)
                case .array(let elements):
                    for element in elements {
                        if case .object(let body) = element { bodies.append(body) }
                    }
                    if bodies.count != elements.count || bodies.isEmpty {
                        diagnostics.append(.error(location, "expected an object of arguments for \(noun) `\(label.key)`"))
                    }
                default:
                    diagnostics.append(.error(
                        location,
                        "expected an object of arguments for \(noun) `\(label.key)`, found \(label.value.typeName)"
                    ))
                }
                if label.key.isEmpty {
                    diagnostics.append(.error(location, "`\(noun)` has an empty name"))
                    continue
                }
                for body in bodies {
                    var arguments: [String: LocatedJSON] = [:]
                    for argument in body where arguments[argument.key] == nil {
                        arguments[argument.key] = argument.value
                    }
                    found.append((label.key, location, arguments))
                }
            }
        }
        return found
    }
}
