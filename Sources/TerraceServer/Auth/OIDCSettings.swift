/// How Terrace signs people in with an OpenID Connect provider (`--oidc-*` flags).
public struct OIDCSettings: Sendable, CustomStringConvertible {
    /// The provider's issuer URL, exactly as its ID tokens name it (`iss`); discovery is fetched from
    /// `<issuer>/.well-known/openid-configuration`.
    public var issuer: String
    /// The client id registered at the provider (the ID token's audience).
    public var clientID: String
    /// The client secret; never logged or shown.
    public var clientSecret: String
    /// Members of this group (`groups` or `roles` claim) are admins; everyone else signed in is a viewer.
    public var adminGroup: String?
    /// Where the provider sends the browser back: `<public URL>/ui/auth/callback`.
    public var redirectURI: String
    /// Where the provider sends the browser after logout: `<public URL>/ui/login`.
    public var postLogoutRedirectURI: String
    /// The scopes asked for.
    public var scopes: [String]

    /// Creates the settings; `publicURL` is the URL browsers reach Terrace at, without a trailing slash.
    public init(
        issuer: String, clientID: String, clientSecret: String, adminGroup: String?, publicURL: String,
        scopes: [String] = ["openid", "profile", "email"]
    ) {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.adminGroup = adminGroup
        self.redirectURI = base + "/ui/auth/callback"
        self.postLogoutRedirectURI = base + "/ui/login"
        self.scopes = scopes
    }

    /// The settings without the secret.
    public var description: String {
        "OIDC(issuer: \(issuer), client: \(clientID), admin group: \(adminGroup ?? "none"), redirect: \(redirectURI))"
    }
}
