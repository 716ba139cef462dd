import Foundation
import Hummingbird

extension UIController {
    /// The files `GET /ui/static/{file}` serves: the bundle's `Static` folder, read once, by file name.
    static let staticFiles: [String: (data: Data, type: String)] = {
        guard let folder = Bundle.module.url(forResource: "Static", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [:] }
        var files: [String: (data: Data, type: String)] = [:]
        for name in names where isServable(name) {
            guard let type = contentType(of: name), let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { continue }
            files[name] = (data, type)
        }
        return files
    }()

    /// Whether `name` is a plain file name that may be served (no separators, no hidden files).
    static func isServable(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// The content type by extension, or nil for a type not served.
    static func contentType(of name: String) -> String? {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: nil
        }
    }

    /// `GET /ui/static/{file}`: a file of the bundle's `Static` folder; anything else is 404.
    func staticFile(_ request: Request, _ context: WebRequestContext) throws -> Response {
        let name = try context.parameters.require("file")
        guard Self.isServable(name), let file = Self.staticFiles[name] else {
            return Self.plain("Not found.\n", status: .notFound)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.type, .cacheControl: "public, max-age=3600",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.data)))
    }
}
