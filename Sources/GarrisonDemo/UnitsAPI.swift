import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A node's local API as a unit's application uses it: JSON over HTTP with the unit's bearer token.
struct UnitsAPI: Sendable {
    let baseURL: String

    struct Answer: Sendable {
        let status: Int
        let body: Data

        /// The body as a JSON object (empty when it is not one).
        var object: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// A request; a failure to reach the node throws, any HTTP answer returns.
    func send(_ method: HTTPMethod, _ path: String, token: String?, json: [String: any Sendable]? = nil) async throws -> Answer {
        try await send(method, path, authorization: token.map { "Bearer \($0)" }, json: json)
    }

    /// A request with this `Authorization` field (the citizens' intake takes `Device <credential>`).
    func send(_ method: HTTPMethod, _ path: String, authorization: String?, json: [String: any Sendable]? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), body: Data(buffer: bytes))
    }

    func post(_ path: String, token: String, _ json: [String: any Sendable]) async throws -> Answer {
        try await send(.POST, path, token: token, json: json)
    }

    /// `GET /v1/status` (no token): queue depth, caught up, and per feed at the national node.
    func status() async throws -> [String: Any] { try await send(.GET, "/v1/status", token: nil).object }
}
