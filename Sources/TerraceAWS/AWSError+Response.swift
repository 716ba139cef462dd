import Foundation

extension AWSError {
    /// The error an S3 answer with a failing `status` stands for, read from its XML body (`<Code>`, `<Message>`).
    ///
    /// - Parameters:
    ///   - status: the HTTP status (not 2xx).
    ///   - body: the response body; may be empty (HEAD requests have none).
    ///   - operation: the S3 operation, for the message (`GetObject`).
    ///   - resource: what was addressed, for the message (`s3://bucket/key`).
    ///   - headers: the response headers, lowercased; `x-amz-bucket-region` explains a redirect.
    public static func s3(
        status: Int, body: [UInt8], operation: String, resource: String, headers: [String: String] = [:]
    ) -> AWSError {
        let xml = S3XML(body)
        let serviceCode = xml.value("Code").map(Self.oneLine).flatMap { $0.isEmpty ? nil : $0 }
        let serviceMessage = xml.value("Message").map(Self.oneLine).flatMap { $0.isEmpty ? nil : $0 }
        let code = classify(status: status, serviceCode: serviceCode)
        var detail = [serviceCode, serviceMessage].compactMap { $0 }.joined(separator: ": ")
        if detail.isEmpty { detail = defaultReason(status: status) }
        if (301...308).contains(status), let region = headers["x-amz-bucket-region"] {
            detail += "; the bucket is in region \(oneLine(region))"
        }
        return AWSError(
            code, "S3 \(operation) on \(resource) failed: \(detail) (HTTP \(status))", status: status,
            serviceCode: serviceCode)
    }

    /// The kind of failure an HTTP status and S3 error code stand for.
    static func classify(status: Int, serviceCode: String?) -> Code {
        if let serviceCode {
            if serviceCode == "SlowDown" || serviceCode.hasPrefix("Throttl") { return .throttled }
            if serviceCode == "NoSuchKey" || serviceCode == "NoSuchBucket" { return .notFound }
            if serviceCode == "PreconditionFailed" { return .preconditionFailed }
        }
        switch status {
        case 404: return .notFound
        case 401, 403: return .accessDenied
        case 409: return .conflict
        case 412: return .preconditionFailed
        case 429: return .throttled
        case 500...599: return .server
        default: return .badRequest
        }
    }

    private static func defaultReason(status: Int) -> String {
        switch status {
        case 301, 307: "the bucket is in another region"
        case 400: "bad request"
        case 403: "access denied"
        case 404: "not found"
        case 409: "conflict"
        case 412: "precondition failed"
        case 429: "too many requests"
        case 500: "internal error"
        case 503: "service unavailable"
        default: "unexpected answer"
        }
    }

    /// `text` on one line, trimmed and at most 300 characters.
    static func oneLine(_ text: String) -> String {
        let joined = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return joined.count > 300 ? String(joined.prefix(300)) + "…" : joined
    }
}
