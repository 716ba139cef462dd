import Foundation
import TerraceTestSupport
import Testing

@testable import TerraceAWS

/// A transport answering from a script, recording the requests it got.
actor ScriptedTransport: S3Transport {
    enum Step {
        case answer(S3HTTPResponse)
        case fail(AWSError)
    }

    private var steps: [Step]
    private(set) var requests: [S3HTTPRequest] = []

    init(_ steps: [Step]) {
        self.steps = steps
    }

    func send(_ request: S3HTTPRequest) async throws(AWSError) -> S3HTTPResponse {
        requests.append(request)
        guard !steps.isEmpty else { return S3HTTPResponse(status: 200) }
        switch steps.removeFirst() {
        case .answer(let response): return response
        case .fail(let error): throw error
        }
    }

    func shutdown() async throws(AWSError) {}
}

@Suite struct S3ClientTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIATEST", secretAccessKey: "secret")
    static let quick = RetryPolicy(maxAttempts: 3, baseDelay: 0.001, maxDelay: 0.002)
    static let unavailable = S3HTTPResponse(
        status: 503, body: Array("<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>".utf8))

    private func client(_ transport: ScriptedTransport, endpoint: String? = nil, region: String = "eu-west-1") -> S3Client {
        S3Client(region: region, endpoint: endpoint, credentials: Self.credentials, retry: Self.quick, transport: transport)
    }

    @Test func virtualHostAddressingWithoutEndpoint() async throws {
        let transport = ScriptedTransport([.answer(S3HTTPResponse(status: 200, body: Array("hello".utf8)))])
        let object = try await client(transport).getObject(bucket: "my-state", key: "terrace/dev env/record.json")
        #expect(object?.body == Array("hello".utf8))
        let request = try #require(await transport.requests.first)
        #expect(request.method == "GET")
        #expect(request.url == "https://my-state.s3.eu-west-1.amazonaws.com/terrace/dev%20env/record.json")
        #expect(request.headers["host"] == "my-state.s3.eu-west-1.amazonaws.com")
        #expect(request.headers["authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIATEST/") == true)
        #expect(request.headers["authorization"]?.contains("/eu-west-1/s3/aws4_request") == true)
    }

    @Test func pathStyleWithAnEndpointOrADottedBucket() {
        let local = client(ScriptedTransport([]), endpoint: "http://127.0.0.1:5000/")
        #expect(
            local.location(bucket: "b", key: "k/x")
                == S3Client.Location(origin: "http://127.0.0.1:5000", host: "127.0.0.1:5000", path: "/b/k/x"))
        #expect(local.location(bucket: "b", key: nil).path == "/b")
        let defaultPort = client(ScriptedTransport([]), endpoint: "https://s3.example.com:443/base")
        #expect(
            defaultPort.location(bucket: "b", key: "k")
                == S3Client.Location(origin: "https://s3.example.com", host: "s3.example.com", path: "/base/b/k"))
        let dotted = client(ScriptedTransport([]))
        #expect(dotted.location(bucket: "my.bucket", key: "k").origin == "https://s3.eu-west-1.amazonaws.com")
        #expect(dotted.location(bucket: "my.bucket", key: "k").path == "/my.bucket/k")
        #expect(dotted.location(bucket: "plain", key: nil).path == "/")
    }

    @Test func subresourcesAreSentBare() {
        #expect(S3Client.urlQuery(["versioning": ""]) == "versioning")
        #expect(S3Client.urlQuery(["list-type": "2", "prefix": "terrace/"]) == "list-type=2&prefix=terrace%2F")
    }

    @Test func retriesTransientFailuresThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .answer(Self.unavailable),
            .fail(AWSError(.transport, "cannot reach http://127.0.0.1:1: connection refused")),
            .answer(S3HTTPResponse(status: 200, headers: ["etag": "\"e\""])),
        ])
        let eTag = try await client(transport).putObject(bucket: "b", key: "k", body: [1, 2, 3])
        #expect(eTag == "\"e\"")
        let requests = await transport.requests
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.body == [1, 2, 3] && $0.method == "PUT" })
    }

    @Test func givesUpAfterTheLastAttempt() async {
        let transport = ScriptedTransport([.answer(Self.unavailable), .answer(Self.unavailable), .answer(Self.unavailable), .answer(Self.unavailable)])
        await #expect {
            try await client(transport).deleteObject(bucket: "b", key: "k")
        } throws: { error in
            guard let error = error as? AWSError else { return false }
            return error.code == .server && error.status == 503
                && error.message == "S3 DeleteObject on s3://b/k failed: ServiceUnavailable: Please reduce your request rate. (HTTP 503)"
        }
        #expect(await transport.requests.count == 3)
    }

    @Test func doesNotRetryPermanentFailures() async {
        let denied = S3HTTPResponse(status: 403, body: Array("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>".utf8))
        let transport = ScriptedTransport([.answer(denied), .answer(S3HTTPResponse(status: 200))])
        await #expect {
            try await client(transport).deleteObject(bucket: "b", key: "k")
        } throws: { error in
            (error as? AWSError)?.code == .accessDenied
        }
        #expect(await transport.requests.count == 1)
    }

    @Test func conditionalWriteFailureIsDistinct() async throws {
        let failed = S3HTTPResponse(
            status: 412,
            body: Array("<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>".utf8))
        let transport = ScriptedTransport([.answer(failed)])
        await #expect {
            try await client(transport).putObject(bucket: "b", key: "k", body: [], ifNoneMatch: "*")
        } throws: { error in
            (error as? AWSError)?.code == .preconditionFailed
        }
        let request = try #require(await transport.requests.first)
        #expect(request.headers["if-none-match"] == "*")
        #expect(request.headers["authorization"]?.contains("if-none-match") == true)
    }

    @Test func getObjectIsNilOnlyForAMissingKey() async throws {
        let noKey = S3HTTPResponse(status: 404, body: Array("<Error><Code>NoSuchKey</Code><Message>m</Message></Error>".utf8))
        let noBucket = S3HTTPResponse(status: 404, body: Array("<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>".utf8))
        let transport = ScriptedTransport([.answer(noKey), .answer(noBucket)])
        let s3 = client(transport)
        #expect(try await s3.getObject(bucket: "b", key: "k") == nil)
        await #expect {
            try await s3.getObject(bucket: "b", key: "k")
        } throws: { error in
            (error as? AWSError)?.serviceCode == "NoSuchBucket"
        }
    }

    @Test func listingFollowsContinuationTokens() async throws {
        let first = S3HTTPResponse(
            status: 200,
            body: Array(
                "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>next/page=</NextContinuationToken><Contents><Key>a</Key><Size>1</Size></Contents></ListBucketResult>"
                    .utf8))
        let second = S3HTTPResponse(
            status: 200,
            body: Array("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>b</Key><Size>2</Size></Contents></ListBucketResult>".utf8))
        let transport = ScriptedTransport([.answer(first), .answer(second)])
        let objects = try await client(transport).listObjects(bucket: "b", prefix: "terrace/")
        #expect(objects == [S3ObjectSummary(key: "a", size: 1), S3ObjectSummary(key: "b", size: 2)])
        let requests = await transport.requests
        #expect(requests.count == 2)
        #expect(requests[0].url == "https://b.s3.eu-west-1.amazonaws.com/?list-type=2&prefix=terrace%2F")
        #expect(requests[1].url == "https://b.s3.eu-west-1.amazonaws.com/?continuation-token=next%2Fpage%3D&list-type=2&prefix=terrace%2F")
    }

    @Test func createBucketSendsALocationConstraintOutsideUSEast1() async throws {
        let transport = ScriptedTransport([.answer(S3HTTPResponse(status: 200)), .answer(S3HTTPResponse(status: 200))])
        try await client(transport, region: "eu-west-1").createBucket("b")
        let east = ScriptedTransport([.answer(S3HTTPResponse(status: 200))])
        try await client(east, region: "us-east-1").createBucket("b")
        let europe = try #require(await transport.requests.first)
        #expect(String(decoding: europe.body, as: UTF8.self).contains("<LocationConstraint>eu-west-1</LocationConstraint>"))
        #expect(await east.requests.first?.body == [])
    }

    @Test func refusedConnectionsAreTransportErrorsAfterRetries() async throws {
        let port = try MotoServer.freePort()
        let s3 = S3Client(
            region: "us-east-1", endpoint: "http://127.0.0.1:\(port)", credentials: Self.credentials, retry: Self.quick,
            transport: HTTPClientTransport(connectTimeout: 0.2))
        await #expect {
            try await s3.getObject(bucket: "b", key: "k")
        } throws: { error in
            guard let error = error as? AWSError else { return false }
            return error.code == .transport && error.isTransient
                && error.message.hasPrefix("S3 GetObject on s3://b/k failed: cannot reach http://127.0.0.1:\(port)")
                && !error.message.contains("secret")
        }
        try await s3.shutdown()
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.2, maxDelay: 1)
        #expect(policy.backoff(attempt: 1) == 0.2)
        #expect(policy.backoff(attempt: 2) == 0.4)
        #expect(policy.backoff(attempt: 3) == 0.8)
        #expect(policy.backoff(attempt: 4) == 1)
        var generator = SystemRandomNumberGenerator()
        for attempt in 1...6 {
            let delay = policy.delay(attempt: attempt, using: &generator)
            #expect(delay >= policy.backoff(attempt: attempt) / 2 && delay <= policy.backoff(attempt: attempt))
        }
        #expect(policy.shouldRetry(AWSError(.throttled, "x"), attempt: 4))
        #expect(!policy.shouldRetry(AWSError(.throttled, "x"), attempt: 5))
        #expect(!policy.shouldRetry(AWSError(.notFound, "x"), attempt: 1))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }
}
