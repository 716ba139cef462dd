import Foundation
import JWTKit

/// The claims of an OpenID Connect ID token Terrace reads. The signature is checked by jwt-kit; every claim is
/// checked by ``check(issuer:clientID:nonce:now:)`` against the configured values and Terrace's clock.
struct IDTokenClaims: JWTPayload {
    var iss: String
    var sub: String
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nonce: String?
    var azp: String?
    var preferredUsername: String?
    var name: String?
    var email: String?
    var groups: [String]?
    var roles: [String]?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, azp, name, email, groups, roles
        case preferredUsername = "preferred_username"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        aud = try container.decode(AudienceClaim.self, forKey: .aud)
        exp = try container.decode(ExpirationClaim.self, forKey: .exp)
        iat = try container.decode(IssuedAtClaim.self, forKey: .iat)
        nonce = try container.decodeIfPresent(String.self, forKey: .nonce)
        azp = try container.decodeIfPresent(String.self, forKey: .azp)
        preferredUsername = try? container.decodeIfPresent(String.self, forKey: .preferredUsername)
        name = try? container.decodeIfPresent(String.self, forKey: .name)
        email = try? container.decodeIfPresent(String.self, forKey: .email)
        groups = Self.strings(container, .groups)
        roles = Self.strings(container, .roles)
    }

    init(
        iss: String, sub: String, aud: [String], exp: Date, iat: Date, nonce: String?, azp: String? = nil,
        preferredUsername: String? = nil, name: String? = nil, email: String? = nil, groups: [String]? = nil, roles: [String]? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = AudienceClaim(value: aud)
        self.exp = ExpirationClaim(value: exp)
        self.iat = IssuedAtClaim(value: iat)
        self.nonce = nonce
        self.azp = azp
        self.preferredUsername = preferredUsername
        self.name = name
        self.email = email
        self.groups = groups
        self.roles = roles
    }

    /// A claim that is an array of strings, or one string; anything else is ignored.
    private static func strings(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> [String]? {
        if let list = try? container.decodeIfPresent([String].self, forKey: key) { return list }
        if let one = try? container.decodeIfPresent(String.self, forKey: key) { return [one] }
        return nil
    }

    /// jwt-kit calls this after the signature check; the claims are checked by ``check(issuer:clientID:nonce:now:)``,
    /// which knows the configured issuer, client, nonce and clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// How far clocks may disagree, in seconds.
    static let leeway: TimeInterval = 60
    /// The oldest `iat` accepted, in seconds before now.
    static let maximumAge: TimeInterval = 24 * 3600

    /// Checks issuer, audience, authorized party, expiry, issue time and nonce (OIDC Core §3.1.3.7).
    func check(issuer: String, clientID: String, nonce expected: String, now: Date) throws(AuthError) {
        guard iss == issuer else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token comes from another issuer.")
        }
        guard aud.value.contains(clientID) else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token is meant for another application.")
        }
        if aud.value.count > 1 || azp != nil {
            guard azp == clientID else {
                throw AuthError(.invalidToken, "The sign-in was refused: the ID token was issued to another party (azp).")
            }
        }
        guard exp.value.addingTimeInterval(Self.leeway) > now else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token has expired. Try again.")
        }
        guard iat.value <= now.addingTimeInterval(Self.leeway), iat.value >= now.addingTimeInterval(-Self.maximumAge) else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token's issue time is not plausible (check the clocks).")
        }
        guard let nonce, AuthRandom.equal(nonce, expected) else {
            throw AuthError(.invalidToken, "The sign-in was refused: the ID token does not answer this sign-in (nonce).")
        }
    }

    /// `preferred_username`, else `name`, else `email`, else the subject.
    var displayName: String {
        for candidate in [preferredUsername, name, email] {
            if let candidate, !candidate.trimmingCharacters(in: .whitespaces).isEmpty { return String(candidate.prefix(200)) }
        }
        return sub
    }

    /// The groups the token names (`groups`, then `roles`).
    var memberships: [String] { (groups ?? []) + (roles ?? []) }
}
