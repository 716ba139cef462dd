extension ExpressionFunction {
    /// String functions.
    static let strings: [ExpressionFunction] = [
        ExpressionFunction("lower", [.string], result: .string) { call throws(ExpressionError) in
            .string(try call[0].string().lowercased())
        },
        ExpressionFunction("upper", [.string], result: .string) { call throws(ExpressionError) in
            .string(try call[0].string().uppercased())
        },
        ExpressionFunction("title", [.string], result: .string) { call throws(ExpressionError) in
            .string(title(try call[0].string()))
        },
        ExpressionFunction("trimspace", [.string], result: .string) { call throws(ExpressionError) in
            .string(trim(try call[0].string()) { $0.properties.isWhitespace })
        },
        ExpressionFunction("trim", [.string, .string], result: .string) { call throws(ExpressionError) in
            let cutset = Set(try call[1].string().unicodeScalars)
            return .string(trim(try call[0].string()) { cutset.contains($0) })
        },
        ExpressionFunction("trimprefix", [.string, .string], result: .string) { call throws(ExpressionError) in
            let text = try call[0].string()
            let prefix = try call[1].string()
            guard !prefix.isEmpty, text.utf8.starts(with: prefix.utf8) else { return .string(text) }
            return .string(String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self))
        },
        ExpressionFunction("trimsuffix", [.string, .string], result: .string) { call throws(ExpressionError) in
            let text = try call[0].string()
            let suffix = try call[1].string()
            guard !suffix.isEmpty, text.utf8.reversed().starts(with: suffix.utf8.reversed()) else {
                return .string(text)
            }
            return .string(String(decoding: text.utf8.dropLast(suffix.utf8.count), as: UTF8.self))
        },
        ExpressionFunction("startswith", [.string, .string], result: .bool) { call throws(ExpressionError) in
            .bool(try call[0].string().utf8.starts(with: try call[1].string().utf8))
        },
        ExpressionFunction("endswith", [.string, .string], result: .bool) { call throws(ExpressionError) in
            .bool(try call[0].string().utf8.reversed().starts(with: try call[1].string().utf8.reversed()))
        },
        ExpressionFunction("replace", [.string, .string, .string], result: .string) { call throws(ExpressionError) in
            .string(StringSearch.replace(try call[0].string(), try call[1].string(), with: try call[2].string()))
        },
        ExpressionFunction("split", [.string, .string], result: .list) { call throws(ExpressionError) in
            let separator = try call[0].string()
            let text = try call[1].string()
            if text.isEmpty && separator.isEmpty { return .list([]) }
            return .list(StringSearch.split(text, separator: separator).map { .string($0) })
        },
        ExpressionFunction("join", [.string, .list], variadic: .list, result: .string) { call throws(ExpressionError) in
            let separator = try call[0].string()
            var items: [String] = []
            for argument in call.arguments.dropFirst() {
                items += try argument.strings()
            }
            return .string(items.joined(separator: separator))
        },
        ExpressionFunction("substr", [.string, .number, .number], result: .string) { call throws(ExpressionError) in
            let characters = Array(try call[0].string())
            var offset = try call[1].integer()
            let length = try call[2].integer()
            if offset < 0 { offset += characters.count }
            guard offset >= 0, offset <= characters.count else {
                throw call[1].error("`substr` offset \(offset) is outside the string of \(characters.count) characters")
            }
            let end = length < 0 ? characters.count : min(characters.count, offset + length)
            return .string(String(characters[offset..<max(offset, end)]))
        },
        ExpressionFunction("format", [.string], variadic: .any, result: .string) { call throws(ExpressionError) in
            let values = Array(call.arguments.dropFirst())
            return .string(try FormatString.format(call[0], values, call: call))
        },
        ExpressionFunction("formatlist", [.string], variadic: .any, result: .list) { call throws(ExpressionError) in
            let arguments = Array(call.arguments.dropFirst())
            var count: Int?
            for argument in arguments {
                guard case .list(let items) = argument.value else { continue }
                if let expected = count, expected != items.count {
                    throw argument.error(
                        "`formatlist` arguments must be lists of the same length: argument \(argument.position) has \(items.count) elements, expected \(expected)"
                    )
                }
                count = items.count
            }
            var results: [Value] = []
            for row in 0..<(count ?? 1) {
                let values = arguments.map { argument in
                    guard case .list(let items) = argument.value else { return argument }
                    var element = argument
                    element.value = items[row]
                    return element
                }
                results.append(.string(try FormatString.format(call[0], values, call: call)))
            }
            return .list(results)
        },
    ]

    /// Removes leading and trailing scalars matching `predicate`.
    static func trim(_ text: String, where predicate: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !predicate($0) }),
            let last = scalars.lastIndex(where: { !predicate($0) })
        else { return "" }
        return String(scalars[first...last])
    }

    /// Upper-cases the first letter of every word, as Terraform's `title` does.
    static func title(_ text: String) -> String {
        var result = ""
        var atWordStart = true
        for character in text {
            let isWordCharacter = character.isLetter || character.isNumber || character == "_"
            if atWordStart && isWordCharacter {
                result += character.uppercased()
            } else {
                result.append(character)
            }
            atWordStart = !isWordCharacter
        }
        return result
    }
}
