import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An OpenAPI 3.1 document of one listener, served at `GET /openapi.json` (issue 13).
///
/// A document is assembled from JSON fragments (each a partial OpenAPI object, usually `paths` and
/// `components`), deep-merged in order over a base that carries `openapi`, `info` and the components every
/// listener shares: the problem+json schema and one response per error status (`OpenAPIDocument.sharedComponents`).
/// The fragments live beside the routes they describe, as Swift string literals, so the document ships inside the
/// executable; the conformance tests run schemathesis against every listener to keep them true.
public struct OpenAPIDocument: Sendable {
    /// The document, encoded once (sorted keys).
    public let bytes: [UInt8]

    /// Builds the document; a fragment that is not a JSON object is a programming error and stops the process
    /// at the first request (the tests fetch every document).
    public init(title: String, version: String = "1", description: String, fragments: [String]) {
        var document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": title, "version": version, "description": description],
            "paths": [String: Any](),
        ]
        for fragment in [Self.sharedComponents] + fragments {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(fragment.utf8))) as? [String: Any] else {
                preconditionFailure("an OpenAPI fragment of \"\(title)\" is not a JSON object")
            }
            document = Self.merged(document, object)
        }
        do {
            bytes = Array(try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            preconditionFailure("the OpenAPI document \"\(title)\" cannot be encoded: \(error)")
        }
    }

    /// The document as it is served.
    public var response: Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Objects merge key by key, recursively; any other value of a later fragment replaces the earlier one.
    static func merged(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in overlay {
            if let inner = value as? [String: Any], let existing = result[key] as? [String: Any] {
                result[key] = merged(existing, inner)
            } else {
                result[key] = value
            }
        }
        return result
    }
}

extension Router {
    /// Serves `document` at `GET /openapi.json` on this router's listener.
    public func addOpenAPI(_ document: OpenAPIDocument) {
        get("/openapi.json") { _, _ in document.response }
    }
}
