import Hummingbird
import TerraceCore

/// The small pages and JSON bodies the sign-in middleware answers with when it refuses a request, before any
/// controller (and its layout) runs. Messages are fixed text, HTML-escaped anyway.
enum AuthPage {
    /// A minimal HTML page with `status`, a title and a message.
    static func html(_ status: HTTPResponse.Status, title: String, message: String, signIn: Bool = false) -> Response {
        let link = signIn ? "<p><a href=\"/ui/login\">Sign in</a></p>" : ""
        let body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Terrace</title><link rel="stylesheet" href="/ui/static/terrace.css"></head>
            <body><main class="auth-message"><h1>\(escape(title))</h1><p>\(escape(message))</p>\(link)</main></body></html>

            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// The page after logout that sends the browser on to the provider's logout (`url`) at once, by a meta refresh
    /// (allowed by the CSP, unlike a redirect of the logout form's POST to another origin), with a link as fallback.
    static func continueToProvider(_ url: String) -> Response {
        let target = escape(url)
        let body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="refresh" content="0;url=\(target)">
            <title>Signed out · Terrace</title><link rel="stylesheet" href="/ui/static/terrace.css"></head>
            <body><main class="auth-message"><h1>Signed out</h1>
            <p>You are signed out of Terrace. <a href="\(target)">Continue to sign out at your identity provider</a>.</p>
            </main></body></html>

            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// 401 for a page request without a session (a POST, a live stream).
    static func unauthenticated() -> Response {
        html(.unauthorized, title: "Sign-in required", message: "Your session has ended or you are not signed in.", signIn: true)
    }

    /// 403 for a role that may not do this.
    static func forbidden() -> Response {
        html(.forbidden, title: "Not allowed", message: "This needs the admin role.")
    }

    /// 403 for a missing or wrong CSRF token.
    static func csrfRefused() -> Response {
        html(
            .forbidden, title: "Request refused",
            message: "The form was stale or did not come from this site. Reload the page and try again.")
    }

    /// HTML-escapes `text` for element content and quoted attributes.
    static func escape(_ text: String) -> String { Markup.escape(text) }
}
