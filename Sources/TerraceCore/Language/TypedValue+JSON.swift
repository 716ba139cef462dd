/// Terraform's `jsonencode` and `jsondecode` (cty's `json` package over Go's `encoding/json`).
extension TypedValue {
    /// The value as Terraform's `jsonencode` writes it: no spaces; object and map keys sorted by their UTF-8 bytes;
    /// numbers as `Number.description` (`1.5`, `100000000000000000000`, `-0`); strings escaped as Go's
    /// `encoding/json` does (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control characters and `<`, `>`,
    /// `&` as `\u00XX`, U+2028 and U+2029 as `\u2028`/`\u2029`, everything else as UTF-8); a null anywhere is
    /// `null`; lists, sets and tuples are arrays, maps and objects objects.
    ///
    /// Throws "value is not known" for an unknown anywhere (Terraform's `jsonencode` instead returns an unknown
    /// string, which the caller decides) and "cannot serialize infinity as JSON" for an infinite number, with the
    /// path to the culprit.
    public func jsonEncoded() throws(ConversionError) -> String {
        var writer = JSONWriter()
        try writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The value a JSON document stands for, as Terraform's `jsondecode` reads it: objects become objects, arrays
    /// tuples, `null` an untyped null, numbers are exact (`Number(parsing:)`), strings NFC-normalized.
    ///
    /// As Terraform 1.11 (cty 1.16 over Go's `json.Decoder`) does:
    /// - errors carry Go's messages: "EOF" for an empty document, "unexpected EOF", "invalid character 'x' looking
    ///   for beginning of value", "invalid character 'x' after array element", ...;
    /// - after the value only white space may follow, else "extraneous data after JSON object" — except that Go's
    ///   decoder does not look past a `]` or `}` there, so `1]` reads as `1`;
    /// - of keys repeated in an object, the type of the last occurrence is the attribute's type, every occurrence
    ///   is decoded to it (so `{"a":"x","a":1}` fails with "a number is required", `{"a":1,"a":"x"}` is `{a="x"}`)
    ///   and the last one is kept;
    /// - invalid `\u` surrogates become U+FFFD.
    ///
    /// Where this differs: documents nested deeper than `JSONReader.maximumDepth` (512) levels fail with "exceeded
    /// max depth" (Go allows 10000).
    public static func jsonDecoded(_ text: String) throws(ConversionError) -> TypedValue {
        var text = text
        let parsed = text.withUTF8 { buffer -> Result<JSONReader.Node, ConversionError> in
            var reader = JSONReader(buffer)
            do throws(ConversionError) {
                return .success(try reader.readDocument())
            } catch {
                return .failure(error)
            }
        }
        let node = try parsed.get()
        return try JSONReader.unmarshal(node, as: JSONReader.impliedType(node), path: [])
    }
}
