import Crypto
import Foundation
import SwiftASN1
import X509

/// A test CA made with swift-certificates, and certificates it signs: a server certificate for 127.0.0.1 and
/// localhost, and client certificates. Everything lives in memory for one test.
struct TestPKI {
    struct Issued {
        var certificatePEM: String
        var keyPEM: String
    }

    let caKey = P256.Signing.PrivateKey()
    let caName: DistinguishedName
    let ca: Certificate

    init(name: String = "Terrace Test CA") throws {
        caName = try DistinguishedName { CommonName(name) }
        let now = Date()
        ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400), issuer: caName,
            subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            }, issuerPrivateKey: .init(caKey))
    }

    var caPEM: String { (try? ca.serializeAsPEM().pemString) ?? "" }

    /// A certificate for `127.0.0.1` and `localhost` (server and client use).
    func issue(commonName: String, names: [GeneralName]? = nil) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400), issuer: caName,
            subject: try DistinguishedName { CommonName(commonName) }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names ?? [.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])), .dnsName("localhost")])
            }, issuerPrivateKey: .init(caKey))
        return Issued(certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
    }
}
