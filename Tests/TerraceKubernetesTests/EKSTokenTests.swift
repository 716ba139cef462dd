import Foundation
import TerraceAWS
import TerraceTestSupport
import Testing

@testable import TerraceKubernetes
import TerraceCore

@Suite struct EKSTokenTests {
    /// botocore's presigned URL and token, made the way `aws eks get-token` makes them (awscli's own
    /// `STSClientFactory` and `TokenGenerator` when awscli is installed), at a frozen time.
    static let reference = """
        import base64, datetime, json, os, sys
        for name in list(os.environ):
            if name.startswith("AWS_"):
                del os.environ[name]
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        args = json.loads(sys.argv[1])
        import botocore.auth, botocore.session
        frozen = datetime.datetime.fromtimestamp(args["time"], datetime.timezone.utc).replace(tzinfo=None)
        botocore.auth.get_current_datetime = lambda *a, **k: frozen
        session = botocore.session.Session()
        session.set_credentials(args["key"], args["secret"], args.get("token"))
        try:
            from awscli.customizations.eks.get_token import STSClientFactory, TokenGenerator
        except ImportError:
            STSClientFactory = None
        if STSClientFactory is not None and not args.get("endpoint"):
            sts = STSClientFactory(session).get_sts_client(region_name=args["region"])
            token = TokenGenerator(sts).get_token(args["cluster"])
            url = base64.urlsafe_b64decode(token[11:] + "=" * (-len(token[11:]) % 4)).decode()
        else:
            sts = session.create_client("sts", region_name=args["region"], endpoint_url=args.get("endpoint"))
            def keep(params, context, **kwargs):
                context["x-k8s-aws-id"] = params.pop("x-k8s-aws-id")
            def inject(request, **kwargs):
                request.headers["x-k8s-aws-id"] = request.context["x-k8s-aws-id"]
            sts.meta.events.register("provide-client-params.sts.GetCallerIdentity", keep)
            sts.meta.events.register("before-sign.sts.GetCallerIdentity", inject)
            url = sts.generate_presigned_url("get_caller_identity", Params={"x-k8s-aws-id": args["cluster"]}, ExpiresIn=60, HttpMethod="GET")
            token = "k8s-aws-v1." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
        print(json.dumps({"url": url, "token": token}))
        """

    static func botocore(
        cluster: String, region: String, credentials: AWSCredentials, time: Int, endpoint: String? = nil
    ) async throws -> (url: String, token: String) {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("reference.py")
        try Data(reference.utf8).write(to: script)
        var args: [String: Any] = [
            "cluster": cluster, "region": region, "key": credentials.accessKeyId, "secret": credentials.secretAccessKey,
            "time": time,
        ]
        if let token = credentials.sessionToken { args["token"] = token }
        if let endpoint { args["endpoint"] = endpoint }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: args), as: UTF8.self)
        let output = try await CommandRunner.runExecutable("/usr/bin/env", ["python3", script.path, json], in: folder)
        try #require(output.status == 0, "python3 with botocore is needed: \(output.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: String])
        return (try #require(answer["url"]), try #require(answer["token"]))
    }

    static let time = 1_777_636_800  // 2026-05-01T12:00:00Z

    @Test(arguments: [
        AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        AWSCredentials(
            accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret/with+chars=",
            sessionToken: "IQoJb3JpZ2luX2VjE/+session=token&more"),
    ])
    func matchesBotocoreByteForByte(credentials: AWSCredentials) async throws {
        let expected = try await Self.botocore(
            cluster: "prod-cluster", region: "eu-west-1", credentials: credentials, time: Self.time)
        let token = try EKSToken(
            cluster: "prod-cluster", region: "eu-west-1", credentials: credentials,
            date: Date(timeIntervalSince1970: TimeInterval(Self.time)))
        #expect(token.presignedURL.text == expected.url)
        #expect(token.token.text == expected.token)
        #expect(token.token.text.hasPrefix("k8s-aws-v1."))
        #expect(!token.token.text.contains("="))
        #expect(expected.url.contains("X-Amz-Expires=60"))
        #expect(expected.url.contains("X-Amz-SignedHeaders=host%3Bx-k8s-aws-id"))
        #expect(expected.url.contains("X-Amz-Security-Token") == (credentials.sessionToken != nil))
    }

    @Test func respectsAnEndpointOverride() async throws {
        let credentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing", sessionToken: "testing")
        let endpoint = "http://127.0.0.1:5000"
        let expected = try await Self.botocore(
            cluster: "dev", region: "us-east-1", credentials: credentials, time: Self.time, endpoint: endpoint)
        let token = try EKSToken(
            cluster: "dev", region: "us-east-1", credentials: credentials,
            date: Date(timeIntervalSince1970: TimeInterval(Self.time)), stsEndpoint: endpoint)
        #expect(token.presignedURL.text == expected.url)
        #expect(token.token.text == expected.token)
        #expect(expected.url.hasPrefix("http://127.0.0.1:5000/?Action=GetCallerIdentity&Version=2011-06-15&"))
        let bad = #expect(throws: KubernetesError.self) {
            try EKSToken(cluster: "dev", region: "us-east-1", credentials: credentials, date: Date(), stsEndpoint: "not a url")
        }
        #expect(bad?.code == .configuration)
    }

    @Test func theProviderRefreshesBeforeExpiry() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: TimeInterval(Self.time)))
        let provider = EKSTokenProvider(
            cluster: "prod", region: "eu-west-1", lifetime: 60, refreshMargin: 15,
            credentials: { AWSCredentials(accessKeyId: "AKID", secretAccessKey: "secret") }, now: { clock.now })
        let first = try await provider.token()
        clock.now = clock.now.addingTimeInterval(44)
        #expect(try await provider.token() == first)
        #expect(await provider.signed == 1)
        clock.now = clock.now.addingTimeInterval(2)  // 46 s: inside the last 15 s
        let second = try await provider.token()
        #expect(second != first)
        #expect(await provider.signed == 2)
        await provider.invalidate()
        _ = try await provider.token()
        #expect(await provider.signed == 3)
        #expect(String(describing: first) == "<redacted>")
    }

    @Test func missingAWSCredentialsAreExplained() async throws {
        let provider = EKSTokenProvider(
            cluster: "prod", region: "eu-west-1",
            credentials: { () throws(AWSError) in throw AWSError(.credentials, "no AWS credentials") })
        let error = try await #require(throws: KubernetesError.self) { try await provider.token() }
        #expect(error.message == "cannot sign an EKS token for cluster `prod`: no AWS credentials")
        #expect(KubernetesCredentials.eks(provider).description == "EKS token for prod")
    }
}
