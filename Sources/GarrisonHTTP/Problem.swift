import Foundation
import GarrisonCore
import HTTPTypes
import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457) with a stable `code` (DESIGN §6). The store
/// throws it for refusals it detects; the routes map every other failure to one at the edge.
public struct Problem: Error, HTTPResponseError, Hashable, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    /// Stable across releases: scripts and nodes switch on it.
    public let code: ProblemCode
    public let detail: String
    /// Sent as `Retry-After` (seconds): when a caller may try again after an outage or a limit.
    public let retryAfterSeconds: Int?

    public init(_ status: HTTPResponse.Status, code: ProblemCode, detail: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status.code) \(code): \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: Any] = [
            "type": "https://garrison.invalid/problems/\(code)", "title": status.reasonPhrase,
            "status": status.code, "code": code.rawValue, "detail": detail,
        ]
        body["instance"] = request.uri.path
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfterSeconds { headers[.retryAfter] = "\(retryAfterSeconds)" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    public static func badRequest(_ code: ProblemCode, _ detail: String) -> Problem { Problem(.badRequest, code: code, detail: detail) }
    public static func forbidden(_ code: ProblemCode, _ detail: String) -> Problem { Problem(.forbidden, code: code, detail: detail) }
    public static func notFound(_ code: ProblemCode, _ detail: String) -> Problem { Problem(.notFound, code: code, detail: detail) }
    public static func conflict(_ code: ProblemCode, _ detail: String) -> Problem { Problem(.conflict, code: code, detail: detail) }
    public static func tooLarge(_ detail: String) -> Problem { Problem(.contentTooLarge, code: .tooLarge, detail: detail) }
    public static let unavailable = Problem(
        .serviceUnavailable, code: .unavailable, detail: "the database is unreachable; retry later", retryAfterSeconds: 5)
    /// The database did not answer within `database.query_timeout_seconds`: the transaction was rolled back.
    public static let databaseTimeout = Problem(
        .serviceUnavailable, code: .databaseTimeout,
        detail: "the database did not answer within its deadline; nothing was changed; retry later", retryAfterSeconds: 2)
}
