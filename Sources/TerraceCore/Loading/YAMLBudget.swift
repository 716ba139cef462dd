internal import CYaml

/// A streaming pass over a YAML file's events that enforces ``RepositoryLimits`` before the file is composed.
///
/// The pass uses libyaml's event parser, which keeps no tree and does not recurse, so it runs in memory and time
/// proportional to the file. It measures what composing and decoding the file would cost: the nesting depth, the
/// alias uses, and the number of nodes once every alias is expanded (an alias costs the size of the node its anchor
/// names, so a "billion laughs" is caught at the alias that passes the budget, not after it exploded). Syntax errors
/// are left to the composer, which reports them with the same position.
struct YAMLBudget {
    /// The limits checked.
    let limits: RepositoryLimits
    /// The file, relative to the repository root, for locations.
    let file: String

    /// What a file that stayed within the limits holds.
    struct Usage: Equatable {
        /// Its documents.
        var documents = 0
        /// Its nodes, with aliases expanded.
        var nodes = 0
        /// Its alias uses.
        var aliases = 0
    }

    /// What a check found.
    enum Outcome: Equatable {
        /// The file stayed within the limits, using this much.
        case success(Usage)
        /// The first limit the file passed.
        case failure(Diagnostic)
    }

    /// Checks `bytes` (valid UTF-8) against the limits; `documentsBefore` documents were already read in other files.
    func check(_ bytes: [UInt8], documentsBefore: Int = 0) -> Outcome {
        guard !bytes.isEmpty else { return .success(Usage()) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return .failure(.error(SourceLocation(file: file), "the YAML reader could not start"))
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return scan(&parser, documentsBefore: documentsBefore)
        }
    }

    /// One open mapping or list: its anchor and the nodes counted inside it so far (itself included).
    private struct Frame {
        var anchor: String?
        var nodes = 1
    }

    private func scan(_ parser: inout yaml_parser_t, documentsBefore: Int) -> Outcome {
        var usage = Usage()
        var stack: [Frame] = []
        var anchorSizes: [String: Int] = [:]
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                // libyaml stops at 1,000 levels, and its scanner reads ahead: a long run of `[` or `{` can reach that
                // before the run's first collection is passed on. Report it as the depth limit, where libyaml stopped
                // (early in the run).
                if let problem = parser.problem, String(cString: problem).hasPrefix("Maximum nesting level") {
                    let location = SourceLocation(
                        file: file, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
                    return .failure(limitError(location, "YAML nested more than \(limits.maximumDepth) levels deep", key: "depth"))
                }
                // Any other syntax error: the composer reports it, with the same line and column.
                return .success(usage)
            }
            defer { yaml_event_delete(&event) }
            let location = SourceLocation(
                file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return .success(usage)
            case YAML_DOCUMENT_START_EVENT:
                usage.documents += 1
                anchorSizes.removeAll(keepingCapacity: true)
                if documentsBefore + usage.documents > limits.maximumDocuments {
                    return .failure(limitError(
                        location, "more than \(RepositoryLimits.format(limits.maximumDocuments)) YAML documents in the repository",
                        key: "documents"))
                }
            case YAML_SCALAR_EVENT:
                if let anchor = Self.string(event.data.scalar.anchor) { anchorSizes[anchor] = 1 }
                if let failure = count(1, at: location, into: &usage, stack: &stack) { return .failure(failure) }
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.string(event.data.sequence_start.anchor) : Self.string(event.data.mapping_start.anchor)
                if let failure = count(1, at: location, into: &usage, stack: &stack) { return .failure(failure) }
                stack.append(Frame(anchor: anchor))
                if stack.count > limits.maximumDepth {
                    return .failure(limitError(
                        location, "YAML nested more than \(limits.maximumDepth) levels deep", key: "depth"))
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                // The collection's nodes were counted as they came; its size is what an alias to it costs.
                guard let frame = stack.popLast() else { continue }
                if let anchor = frame.anchor { anchorSizes[anchor] = frame.nodes }
                if !stack.isEmpty { stack[stack.count - 1].nodes += frame.nodes - 1 }
            case YAML_ALIAS_EVENT:
                usage.aliases += 1
                let name = Self.string(event.data.alias.anchor) ?? ""
                if usage.aliases > limits.maximumAliases {
                    return .failure(limitError(
                        location, "more than \(RepositoryLimits.format(limits.maximumAliases)) YAML aliases in one file",
                        key: "aliases"))
                }
                // An unknown anchor is the composer's error; count it as one node.
                let size = anchorSizes[name] ?? 1
                if size > limits.maximumNodes - usage.nodes {
                    return .failure(limitError(
                        location,
                        "YAML alias `*\(name)` expands the file past \(RepositoryLimits.format(limits.maximumNodes)) nodes",
                        key: "nodes", hint: "an alias repeats all that its anchor names; write the values out or use fewer aliases"))
                }
                if let failure = count(size, at: location, into: &usage, stack: &stack) { return .failure(failure) }
            default:
                continue
            }
        }
    }

    /// Counts `nodes` more in the file and in the innermost open collection; a diagnostic once the file has too many.
    private func count(_ nodes: Int, at location: SourceLocation, into usage: inout Usage, stack: inout [Frame]) -> Diagnostic? {
        usage.nodes += nodes
        if !stack.isEmpty { stack[stack.count - 1].nodes += nodes }
        guard usage.nodes > limits.maximumNodes else { return nil }
        return limitError(
            location, "more than \(RepositoryLimits.format(limits.maximumNodes)) YAML nodes in one file", key: "nodes")
    }

    private func limitError(_ location: SourceLocation, _ message: String, key: String, hint: String? = nil) -> Diagnostic {
        .error(location, message, hint: hint ?? "a repository limit; raise it with `limits: {\(key): N}` in terrace.yaml if this is intended")
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
