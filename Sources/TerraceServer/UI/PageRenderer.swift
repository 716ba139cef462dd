// Layout convention for every page template (Sources/TerraceServer/UI/Templates/*.mustache):
//
//     {{> head}}
//     <h1>{{title}}</h1>
//     …the page's own markup…
//     {{> foot}}
//
// `head` opens the document (doctype, <head> with the title, viewport and stylesheet, the header with the nav, the
// signed-in name and role and the logout form, an error banner when `error` is set) and opens <main>; `foot`
// closes <main>, adds the footer and closes the document. Pages render through ``PageRenderer/page(_:title:context:data:status:)``,
// which gives every template these keys besides the page's own `data`:
//
// - `title`: the page title; `csrf`: the session's CSRF token (put `<input type="hidden" name="csrf" value="{{csrf}}">`
//   in every POST form); `identity` (`name`, `role`, `isAdmin`) or `false` when nobody is signed in;
//   `signedIn`, `isAdmin`: Bools; `nav`: which nav item is current (`nav.inventory`, `nav.source`, `nav.locks`,
//   `nav.audit`: Bools, from `data["section"]`); `error`: a message for the error banner, or `false`.
//
// Every dynamic value goes through `{{x}}` (HTML-escaped); `{{{x}}}` is only for markup our own code builds and
// escapes (the SVG graph), never for anything from the repository, Terraform, Kubernetes or a request.
import Foundation
import Hummingbird
import Mustache
import TerraceCore

/// Renders the web UI's pages: the templates of the bundle's `Templates` folder, loaded once, each page inside the
/// common layout (`head` and `foot` partials).
///
/// It never fails silently: a template that is missing or could not be parsed answers 500 with a plain message.
public struct PageRenderer: Sendable {
    /// The parsed templates, by file name without `.mustache`.
    let library: MustacheLibrary
    /// The template names found.
    let names: Set<String>
    /// Why the templates could not be loaded, when they could not (a safe message: a file name and a reason).
    let loadProblem: String?

    /// The partials every page uses.
    static let layoutPartials = ["head", "foot"]

    /// Loads the templates bundled with the server (`Bundle.module`, folder `Templates`).
    public init() {
        if let url = Bundle.module.url(forResource: "Templates", withExtension: nil) {
            self.init(directory: url)
        } else {
            self.init(library: MustacheLibrary(), names: [], loadProblem: "the page templates are missing from the server's bundle")
        }
    }

    /// Loads every `*.mustache` file of `directory`.
    public init(directory: URL) {
        var library = MustacheLibrary()
        var names = Set<String>()
        var problem: String?
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            do {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                try library.register(text, named: name)
                names.insert(name)
            } catch {
                problem = problem ?? "the page template \(file) cannot be read or parsed"
            }
        }
        if problem == nil, let missing = Self.layoutPartials.first(where: { !names.contains($0) }) {
            problem = "the layout template \(missing).mustache is missing"
        }
        self.init(library: library, names: names, loadProblem: problem)
    }

    /// Uses templates given as text, by name (tests).
    public init(templates: [String: String]) {
        var library = MustacheLibrary()
        var names = Set<String>()
        var problem: String?
        for (name, text) in templates.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(text, named: name)
                names.insert(name)
            } catch {
                problem = problem ?? "the page template \(name).mustache cannot be parsed"
            }
        }
        self.init(library: library, names: names, loadProblem: problem)
    }

    init(library: MustacheLibrary, names: Set<String>, loadProblem: String?) {
        self.library = library
        self.names = names
        self.loadProblem = loadProblem
    }

    /// Whether a template of that name was loaded.
    public func hasTemplate(_ name: String) -> Bool { names.contains(name) }

    /// The page `template` inside the layout, as an HTML response with `status`.
    ///
    /// `data` is what the template shows; the renderer adds `title`, `csrf`, `identity`, `signedIn`, `isAdmin`,
    /// `nav` (from `data["section"]`) and `error` (from `data["error"]`, or `false`).
    public func page(
        _ template: String, title: String, context: WebRequestContext, data: [String: Any],
        status: HTTPResponse.Status = .ok
    ) -> Response {
        guard let body = render(template, title: title, context: context, data: data) else {
            return Self.failure("This page cannot be shown: a page template is missing from this Terrace build.")
        }
        return Self.html(body, status: status)
    }

    /// `template` rendered with `data` alone, without the layout; nil when the template is missing.
    public func fragment(_ template: String, data: [String: Any]) -> String? {
        guard loadProblem == nil, names.contains(template) else { return nil }
        return library.render(data, withTemplate: template)
    }

    /// The page's HTML, or nil when a template is missing.
    func render(_ template: String, title: String, context: WebRequestContext, data: [String: Any]) -> String? {
        guard loadProblem == nil, names.contains(template) else { return nil }
        var all = data
        all["title"] = title
        all["csrf"] = context.session?.csrfToken ?? ""
        if let identity = context.identity {
            all["identity"] = ["name": identity.name, "role": identity.role.rawValue, "isAdmin": identity.role == .admin] as [String: Any]
            all["signedIn"] = true
            all["isAdmin"] = identity.role == .admin
        } else {
            all["identity"] = false
            all["signedIn"] = false
            all["isAdmin"] = false
        }
        let section = data["section"] as? String ?? ""
        all["nav"] = ["inventory": section == "inventory", "source": section == "source", "locks": section == "locks", "audit": section == "audit"]
        if let error = data["error"] as? String, !error.isEmpty { all["error"] = error } else { all["error"] = false }
        if data["notice"] as? String == nil { all["notice"] = false }
        if data["scripts"] == nil { all["scripts"] = [String]() }
        return library.render(all, withTemplate: template)
    }

    /// An HTML response.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A plain 500 page that needs no template, with a fixed message.
    static func failure(_ message: String) -> Response {
        let text = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Terrace: error</title></head>
            <body><h1>Server error</h1><p>\(escape(message))</p></body></html>

            """
        return html(text, status: .internalServerError)
    }

    /// `text` escaped for HTML text and attribute values.
    public static func escape(_ text: String) -> String { Markup.escape(text) }
}
