import Foundation
import Testing

@testable import TerraceAWS

/// The S3 SigV4 examples of the AWS documentation ("Signature Calculations for the Authorization Header:
/// Transferring Payload in a Single Chunk"); the expected signatures were re-derived with an independent
/// Python implementation (hashlib/hmac) before being written here.
@Suite struct SigV4SignerTests {
    static let credentials = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let host = "examplebucket.s3.amazonaws.com"

    let signer = SigV4Signer(credentials: credentials, region: "us-east-1")

    private func signature(_ headers: [String: String]) -> String? {
        headers["authorization"]?.components(separatedBy: "Signature=").last
    }

    @Test func timestampIsBasicISO8601InUTC() {
        #expect(SigV4Signer.timestamp(Self.date) == "20130524T000000Z")
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_795_000_000.9)) == "20261118T110640Z")
    }

    @Test func getObjectExample() {
        let headers = signer.sign(
            method: "GET", host: Self.host, path: "/test.txt", headers: ["Range": "bytes=0-9"],
            payloadHash: SigV4Signer.hash([]), date: Self.date)
        #expect(headers["x-amz-content-sha256"] == Self.emptyHash)
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(headers["range"] == "bytes=0-9")
        #expect(
            headers["authorization"]
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func getObjectCanonicalRequestAndStringToSign() {
        let canonical = SigV4Signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: [:],
            headers: [
                "host": Self.host, "range": "bytes=0-9", "x-amz-content-sha256": Self.emptyHash,
                "x-amz-date": "20130524T000000Z",
            ], payloadHash: Self.emptyHash)
        #expect(
            canonical.text
                == "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                + "x-amz-content-sha256:\(Self.emptyHash)\nx-amz-date:20130524T000000Z\n\n"
                + "host;range;x-amz-content-sha256;x-amz-date\n\(Self.emptyHash)")
        #expect(SigV4Signer.hash(Array(canonical.text.utf8)) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        #expect(
            SigV4Signer.stringToSign(
                timestamp: "20130524T000000Z", scope: "20130524/us-east-1/s3/aws4_request", canonicalRequest: canonical.text)
                == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
                + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    }

    @Test func putObjectExampleEncodesTheDollarSign() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let payloadHash = SigV4Signer.hash(body)
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let headers = signer.sign(
            method: "PUT", host: Self.host, path: "/test$file.text",
            headers: ["Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"],
            payloadHash: payloadHash, date: Self.date)
        #expect(headers["authorization"]?.contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,") == true)
        #expect(signature(headers) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleExampleSignsASubresource() {
        let headers = signer.sign(
            method: "GET", host: Self.host, path: "/", query: ["lifecycle": ""], payloadHash: Self.emptyHash, date: Self.date)
        #expect(signature(headers) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsExampleSortsTheQuery() {
        let headers = signer.sign(
            method: "GET", host: Self.host, path: "/", query: ["prefix": "J", "max-keys": "2"],
            payloadHash: Self.emptyHash, date: Self.date)
        #expect(signature(headers) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func sessionTokenIsSentAndSigned() {
        let temporary = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                sessionToken: "token/with+chars="),
            region: "us-east-1")
        let headers = temporary.sign(
            method: "GET", host: Self.host, path: "/test.txt", payloadHash: Self.emptyHash, date: Self.date)
        #expect(headers["x-amz-security-token"] == "token/with+chars=")
        #expect(headers["authorization"]?.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") == true)
        // The token changes the signature.
        let plain = signer.sign(method: "GET", host: Self.host, path: "/test.txt", payloadHash: Self.emptyHash, date: Self.date)
        #expect(signature(plain) != signature(headers))
    }

    @Test func canonicalURIEncodesOnceAndKeepsSlashes() {
        #expect(SigV4Signer.canonicalURI("") == "/")
        #expect(SigV4Signer.canonicalURI("/") == "/")
        #expect(SigV4Signer.canonicalURI("/bucket/terrace/dev/record.json") == "/bucket/terrace/dev/record.json")
        #expect(SigV4Signer.canonicalURI("/a b/c+d/e%f/~x_y-z.") == "/a%20b/c%2Bd/e%25f/~x_y-z.")
        #expect(SigV4Signer.canonicalURI("/été/=&?*") == "/%C3%A9t%C3%A9/%3D%26%3F%2A")
    }

    @Test func canonicalQueryEncodesSlashesAndSortsByNameThenValue() {
        #expect(SigV4Signer.canonicalQuery([:]) == "")
        #expect(
            SigV4Signer.canonicalQuery(["prefix": "terrace/", "list-type": "2", "continuation-token": "a+b=="])
                == "continuation-token=a%2Bb%3D%3D&list-type=2&prefix=terrace%2F")
        #expect(SigV4Signer.canonicalQuery(["versioning": ""]) == "versioning=")
    }

    @Test func headerValuesAreTrimmedAndSpacesFolded() {
        #expect(SigV4Signer.canonicalHeaderValue("  a   b  c ") == "a b c")
    }
}
