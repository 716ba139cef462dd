import AsyncHTTPClient
import Foundation

extension WebAuth {
    /// The sign-in settings of `terrace serve`, and the HTTP client OIDC uses (nil without OIDC); the caller shuts
    /// the client down when the service stops.
    static func make(_ serve: ServeConfiguration) -> (auth: WebAuth, http: HTTPClient?) {
        guard let settings = serve.oidc else {
            return (WebAuth(sessionTTL: serve.sessionTTL, publicURL: serve.effectivePublicURL), nil)
        }
        // Provider calls never follow redirects: the token request carries the client secret.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let auth = WebAuth(
            sessionTTL: serve.sessionTTL, publicURL: serve.effectivePublicURL,
            oidc: OIDCClient(settings: settings, http: http))
        return (auth, http)
    }
}
