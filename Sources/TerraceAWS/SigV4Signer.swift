import Crypto
import Foundation

/// Signs S3 requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`, signed payload).
///
/// Adds `host`, `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (temporary credentials) and
/// `authorization` to a request's headers. Every header given is signed.
public struct SigV4Signer: Sendable {
    /// The credentials signing requests.
    public var credentials: AWSCredentials
    /// The region requests go to, e.g. `eu-west-1`.
    public var region: String
    /// The service, `s3`.
    public var service: String

    /// Creates a signer.
    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to send with a request: `headers` (names lowercased) plus the signing headers.
    ///
    /// - Parameters:
    ///   - method: the HTTP method, `GET`.
    ///   - host: the `Host` header, with the port when it is not the scheme's default.
    ///   - path: the request path, not yet percent-encoded (`/bucket/my key`); encoded as S3 does.
    ///   - query: the query parameters, not yet encoded; a subresource like `versioning` has an empty value.
    ///   - headers: other headers to send and sign.
    ///   - payloadHash: the hex SHA-256 of the body (``SigV4Signer/hash(_:)``).
    ///   - date: the signing time.
    public func sign(
        method: String, host: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        payloadHash: String, date: Date
    ) -> [String: String] {
        let timestamp = Self.timestamp(date)
        var signed: [String: String] = [:]
        for (name, value) in headers { signed[name.lowercased()] = value }
        signed["host"] = host
        signed["x-amz-date"] = timestamp
        signed["x-amz-content-sha256"] = payloadHash
        if let token = credentials.sessionToken { signed["x-amz-security-token"] = token }
        let canonical = Self.canonicalRequest(
            method: method, path: path, query: query, headers: signed, payloadHash: payloadHash)
        let scope = "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = Self.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical.text)
        let key = Self.signingKey(
            secret: credentials.secretAccessKey, day: String(timestamp.prefix(8)), region: region, service: service)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key))
        signed["authorization"] =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
        return signed
    }

    /// A presigned URL (SigV4 query authentication), as botocore's `generate_presigned_url` builds it.
    ///
    /// The URL is `scheme://host/path?<parameters>&<auth parameters>&X-Amz-Signature=…`: the operation's
    /// `parameters` in their order, then `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
    /// `X-Amz-SignedHeaders` and, for temporary credentials, `X-Amz-Security-Token`, all percent-encoded; the
    /// canonical request sorts them. `host` and every header in `headers` are signed; the headers must be sent with
    /// the URL. Anyone holding the URL can make the call until it expires: treat it as a secret.
    /// - Parameters:
    ///   - method: the HTTP method, `GET`.
    ///   - scheme: `https`, or `http` for a local endpoint.
    ///   - host: the `Host` header, with the port when it is not the scheme's default.
    ///   - path: the request path, not yet percent-encoded.
    ///   - parameters: the operation's query parameters, not yet encoded, in the order they appear in the URL.
    ///   - headers: other headers to sign (`x-k8s-aws-id`).
    ///   - expires: `X-Amz-Expires`, in seconds.
    ///   - payloadHash: the hex SHA-256 of the body; the empty body's by default.
    ///   - date: the signing time.
    public func presignedURL(
        method: String = "GET", scheme: String = "https", host: String, path: String = "/",
        parameters: [(name: String, value: String)] = [], headers: [String: String] = [:], expires: Int,
        payloadHash: String = SigV4Signer.hash([]), date: Date
    ) -> String {
        let timestamp = Self.timestamp(date)
        let scope = "\(timestamp.prefix(8))/\(region)/\(service)/aws4_request"
        var signedHeaders: [String: String] = [:]
        for (name, value) in headers { signedHeaders[name.lowercased()] = value }
        signedHeaders["host"] = host
        let headerList = signedHeaders.keys.sorted().joined(separator: ";")
        var auth: [(name: String, value: String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope)"),
            ("X-Amz-Date", timestamp), ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", headerList),
        ]
        if let token = credentials.sessionToken { auth.append(("X-Amz-Security-Token", token)) }
        var query: [String: String] = [:]
        for pair in parameters + auth { query[pair.name] = pair.value }
        let canonical = Self.canonicalRequest(
            method: method, path: path, query: query, headers: signedHeaders, payloadHash: payloadHash)
        let toSign = Self.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical.text)
        let key = Self.signingKey(
            secret: credentials.secretAccessKey, day: String(timestamp.prefix(8)), region: region, service: service)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key))
        func encode(_ pairs: [(name: String, value: String)]) -> String {
            pairs.map { Self.uriEncode($0.name, encodeSlash: true) + "=" + Self.uriEncode($0.value, encodeSlash: true) }
                .joined(separator: "&")
        }
        let operation = parameters.isEmpty ? "" : encode(parameters) + "&"
        return "\(scheme)://\(host)\(Self.canonicalURI(path))?\(operation)\(encode(auth))&X-Amz-Signature=\(signature)"
    }

    /// The canonical request of SigV4 and its `SignedHeaders` list.
    static func canonicalRequest(
        method: String, path: String, query: [String: String], headers: [String: String], payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let names = headers.keys.map { $0.lowercased() }.sorted()
        let lowered = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        let canonicalHeaders = names.map { "\($0):\(canonicalHeaderValue(lowered[$0] ?? ""))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            method.uppercased(), canonicalURI(path), canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    /// The string to sign: algorithm, timestamp, scope and the canonical request's hash.
    static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        ["AWS4-HMAC-SHA256", timestamp, scope, hash(Array(canonicalRequest.utf8))].joined(separator: "\n")
    }

    /// The key derived from the secret for one day, region and service.
    static func signingKey(secret: String, day: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// The path encoded as S3 wants it in the canonical request and the URL: every byte but the unreserved
    /// characters (`A-Z a-z 0-9 - _ . ~`) and `/` percent-encoded, once. An empty path is `/`.
    public static func canonicalURI(_ path: String) -> String {
        let encoded = uriEncode(path, encodeSlash: false)
        return encoded.hasPrefix("/") ? encoded : "/" + encoded
    }

    /// The query string of the canonical request and the URL: names and values encoded, sorted by name then value.
    public static func canonicalQuery(_ query: [String: String]) -> String {
        encodedPairs(query).map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// The query's names and values percent-encoded, sorted by name then value.
    static func encodedPairs(_ query: [String: String]) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for (name, value) in query {
            pairs.append((uriEncode(name, encodeSlash: true), uriEncode(value, encodeSlash: true)))
        }
        pairs.sort { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return pairs
    }

    /// Percent-encodes `text` as SigV4 does (RFC 3986 unreserved characters kept, uppercase hex).
    public static func uriEncode(_ text: String, encodeSlash: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: "/") where !encodeSlash:
                result.append("/")
            default:
                result += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// A header value trimmed, with runs of spaces folded to one.
    static func canonicalHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The hex SHA-256 of `bytes`, for `x-amz-content-sha256`.
    public static func hash(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2) + "T" + pad(parts.hour, 2)
            + pad(parts.minute, 2) + pad(parts.second, 2) + "Z"
    }

    private static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
