import Foundation
import Testing
import TerraceTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The browser tests' own harness, without Terrace: chromedriver drives headless Chromium through a page, and
/// oidc-provider-mock signs a registered client's user in with the claims the web UI reads (name, groups, nonce).
/// When these fail, the web UI's browser tests cannot say anything about the UI.
@Suite(WebUIWorld.needsBrowser)
struct WebUIHarnessTests {
    @Test("chromedriver drives headless Chromium: forms, clicks, scripts, console, cookies, screenshots, a phone-sized window")
    func browserBasics() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
            <!doctype html><html><head><title>Harness</title></head><body>
            <form method="get" action="next.html"><input name="q"><button type="submit">Go there</button></form>
            <script>document.cookie = "probe=1; path=/"; console.error("harness-console-probe");</script>
            </body></html>
            """.write(toFile: folder.path + "/index.html", atomically: true, encoding: .utf8)
        try "<!doctype html><meta name=\"viewport\" content=\"width=device-width\"><title>Next</title><p>arrived</p>".write(
            toFile: folder.path + "/next.html", atomically: true, encoding: .utf8)
        try await StaticFileServer.with(directory: folder.path) { server in
            try await ChromeDriver.with { chrome in
                let browser = try await chrome.newSession()
                try await browser.open(server.url("index.html"))
                #expect(try await browser.title() == "Harness")
                #expect(try await browser.cookies().contains { $0["name"] as? String == "probe" })
                #expect(try await browser.consoleLog().contains { $0.message.contains("harness-console-probe") })
                let input = try #require(try await browser.find("input[name='q']"))
                try await input.type("terrace")
                let go = try #require(try await browser.button("Go there"))
                try await go.click()
                try await browser.waitForText("arrived")
                #expect(try await browser.currentURL().hasSuffix("next.html?q=terrace"))
                #expect(try await browser.button("No such button") == nil)
                let png = try await browser.screenshot()
                #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
                #expect(try await browser.windowRect().width == 1280)

                let phone = try await chrome.newSession(.phone)
                try await phone.open(server.url("next.html"))
                #expect(try await phone.execute("return window.innerWidth;") as? Int == 390)
                // Sessions do not share cookies.
                #expect(try await phone.cookies().contains { $0["name"] as? String == "probe" } == false)
            }
        }
    }

    @Test("oidc-provider-mock signs a registered client's user in: code flow, nonce, name and groups in the ID token")
    func providerSignsInWithGroups() async throws {
        let folder = try CommandRunner.scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<!doctype html><title>Callback</title><p>back</p>".write(toFile: folder.path + "/callback.html", atomically: true, encoding: .utf8)
        let provider = try await OIDCProviderMock.start(users: [WebUIWorld.admin, WebUIWorld.viewer], in: folder)
        defer { provider.stop() }
        try await StaticFileServer.with(directory: folder.path) { server in
            let redirect = server.url("callback.html")
            let client = try await provider.registerClient(redirectURI: redirect)
            try await ChromeDriver.with { chrome in
                let browser = try await chrome.newSession()
                let query = [
                    "response_type=code", "client_id=\(client.id)", "scope=openid%20profile%20email",
                    "redirect_uri=\(redirect.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", "state=s1", "nonce=n1",
                ].joined(separator: "&")
                try await browser.open(provider.issuer + "/oauth2/authorize?" + query)
                let pick = try await browser.waitFor("button[name='sub'][value='alice']")
                try await pick.click()
                try await browser.waitUntil("the redirect back with a code") { try await browser.currentURL().hasPrefix(redirect) }
                let back = try #require(URLComponents(string: try await browser.currentURL()))
                #expect(back.queryItems?.first { $0.name == "state" }?.value == "s1")
                let code = try #require(back.queryItems?.first { $0.name == "code" }?.value)

                // The token endpoint, with the client's secret (HTTP Basic), returns an ID token carrying the claims.
                var request = URLRequest(url: try #require(URL(string: provider.issuer + "/oauth2/token")))
                request.httpMethod = "POST"
                let basic = Data("\(client.id):\(client.secret)".utf8).base64EncodedString()
                request.setValue("Basic \(basic)", forHTTPHeaderField: "Authorization")
                request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                let encodedRedirect = redirect.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                request.httpBody = Data("grant_type=authorization_code&code=\(code)&redirect_uri=\(encodedRedirect)".utf8)
                let (data, _) = try await URLSession.shared.data(for: request)
                let tokens = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                let idToken = try #require(tokens["id_token"] as? String)
                var payload = String(idToken.split(separator: ".")[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                while payload.count % 4 != 0 { payload += "=" }
                let payloadData = try #require(Data(base64Encoded: payload))
                let claims = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
                #expect(claims["iss"] as? String == provider.issuer)
                #expect(claims["aud"] as? String == client.id || (claims["aud"] as? [String])?.contains(client.id) == true)
                #expect(claims["nonce"] as? String == "n1")
                #expect(claims["sub"] as? String == "alice")
                #expect(claims["name"] as? String == WebUIWorld.admin.name)
                #expect(claims["groups"] as? [String] == WebUIWorld.admin.groups)

                // A client that did not register is refused.
                try await browser.open(provider.issuer + "/oauth2/authorize?" + query.replacingOccurrences(of: client.id, with: "stranger"))
                #expect(try await browser.find("button[name='sub']") == nil)
            }
        }
    }
}
