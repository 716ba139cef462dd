import Testing

@testable import TerraceAWS

@Suite struct AWSErrorTests {
    static func body(_ code: String, _ message: String) -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>\(code)</Code><Message>\(message)</Message><Key>k</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """.utf8)
    }

    @Test func readsCodeAndMessage() {
        let error = AWSError.s3(
            status: 404, body: Self.body("NoSuchKey", "The specified key does not exist."), operation: "GetObject",
            resource: "s3://b/k")
        #expect(error.code == .notFound)
        #expect(error.status == 404)
        #expect(error.serviceCode == "NoSuchKey")
        #expect(error.message == "S3 GetObject on s3://b/k failed: NoSuchKey: The specified key does not exist. (HTTP 404)")
        #expect(!error.isTransient)
    }

    @Test func classifiesByCodeThenStatus() {
        func code(_ status: Int, _ serviceCode: String) -> AWSError.Code {
            AWSError.s3(status: status, body: Self.body(serviceCode, "m"), operation: "Op", resource: "s3://b").code
        }
        #expect(code(403, "AccessDenied") == .accessDenied)
        #expect(code(403, "SignatureDoesNotMatch") == .accessDenied)
        #expect(code(412, "PreconditionFailed") == .preconditionFailed)
        #expect(code(409, "BucketAlreadyExists") == .conflict)
        #expect(code(503, "SlowDown") == .throttled)
        #expect(code(400, "ThrottlingException") == .throttled)
        #expect(code(500, "InternalError") == .server)
        #expect(code(400, "InvalidBucketName") == .badRequest)
        #expect(code(404, "NoSuchBucket") == .notFound)
    }

    @Test func emptyBodiesFallBackToTheStatus() {
        let error = AWSError.s3(status: 404, body: [], operation: "HeadBucket", resource: "s3://b")
        #expect(error.code == .notFound)
        #expect(error.serviceCode == nil)
        #expect(error.message == "S3 HeadBucket on s3://b failed: not found (HTTP 404)")
        let moved = AWSError.s3(
            status: 301, body: [], operation: "HeadBucket", resource: "s3://b", headers: ["x-amz-bucket-region": "eu-west-1"])
        #expect(moved.code == .badRequest)
        #expect(moved.message.contains("the bucket is in region eu-west-1"))
    }

    @Test func messagesAreOneLineAndDecoded() {
        let error = AWSError.s3(
            status: 400, body: Self.body("InvalidArgument", "Bad &amp; worse\n   &lt;value&gt; &#233;"), operation: "PutObject",
            resource: "s3://b/k")
        #expect(error.message == "S3 PutObject on s3://b/k failed: InvalidArgument: Bad & worse <value> é (HTTP 400)")
    }

    @Test func signatureDetailsAreNotCopied() {
        let body = Array(
            """
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message>\
            <AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 secretish</StringToSign>\
            <SignatureProvided>f0e8bdb87c96</SignatureProvided><CanonicalRequest>GET /</CanonicalRequest></Error>
            """.utf8)
        let error = AWSError.s3(status: 403, body: body, operation: "GetObject", resource: "s3://b/k")
        #expect(error.code == .accessDenied)
        #expect(!error.message.contains("AKIA"))
        #expect(!error.message.contains("f0e8bdb87c96"))
        #expect(!error.message.contains("secretish"))
    }

    @Test func transientFailures() {
        #expect(AWSError(.server, "x", status: 503).isTransient)
        #expect(AWSError(.server, "x", status: 500).isTransient)
        #expect(!AWSError(.server, "x", status: 501).isTransient)
        #expect(AWSError(.throttled, "x", status: 503, serviceCode: "SlowDown").isTransient)
        #expect(AWSError(.transport, "connection refused").isTransient)
        #expect(AWSError(.badRequest, "x", status: 400, serviceCode: "RequestTimeout").isTransient)
        #expect(AWSError(.badRequest, "x", status: 400, serviceCode: "ThrottlingException").isTransient)
        #expect(!AWSError(.notFound, "x", status: 404).isTransient)
        #expect(!AWSError(.accessDenied, "x", status: 403).isTransient)
        #expect(!AWSError(.preconditionFailed, "x", status: 412).isTransient)
    }
}
