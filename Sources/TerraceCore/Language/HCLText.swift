/// Helpers for writing HCL text (Terraform's configuration language) safely.
public enum HCLText {
    /// `text` as an HCL quoted string: quotes, backslashes and control characters escaped, and
    /// `${` / `%{` written `$${` / `%%{` so that no template interpolation can sneak in.
    public static func quoted(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        output.append("\"")
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": output.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": output.append(contentsOf: "\\n".unicodeScalars)
            case "\r": output.append(contentsOf: "\\r".unicodeScalars)
            case "\t": output.append(contentsOf: "\\t".unicodeScalars)
            case "{" where previous == "$" || previous == "%":
                if let marker = previous { output.append(marker) }
                output.append("{")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
                } else {
                    output.append(scalar)
                }
            }
            previous = scalar
        }
        output.append("\"")
        return String(output)
    }
}
