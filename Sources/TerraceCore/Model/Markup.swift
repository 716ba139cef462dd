/// Escaping for XML and HTML: the one place Terrace turns text into markup-safe text.
public enum Markup {
    /// `text` escaped for element content and quoted attribute values (XML and HTML alike).
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
