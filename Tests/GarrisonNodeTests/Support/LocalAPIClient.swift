import AsyncHTTPClient
import Foundation
import GarrisonCore
import NIOCore
import NIOHTTP1
import NIOFoundationCompat
import Testing

/// Talks to a node's local API as a unit's application would: JSON in, status and JSON out.
struct LocalAPIClient: Sendable {
    let baseURL: String
    var timeout: TimeAmount = .seconds(30)

    struct Answer: Sendable {
        let status: Int
        let body: Data
        let contentType: String?
        /// `Idempotent-Replayed: true`: the answer of a retried write, from its first.
        var replayed = false

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw Failure("not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }

        /// The problem+json `code`.
        var code: String? { (try? json())?["code"] as? String }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func send(
        _ method: HTTPMethod, _ path: String, token: String?, json: [String: Any]? = nil, raw: Data? = nil,
        headers: [(String, String)] = []
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body = try raw ?? json.map({ try JSONSerialization.data(withJSONObject: $0) }) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code), body: Data(buffer: bytes), contentType: response.headers.first(name: "Content-Type"),
            replayed: response.headers.first(name: "Idempotent-Replayed") == "true")
    }

    /// A write that must succeed; returns the report.
    @discardableResult
    func write(_ path: String, token: String, _ json: [String: Any], expect: Int = 200) async throws -> [String: Any] {
        let answer = try await send(.POST, path, token: token, json: json)
        guard answer.status == expect else {
            throw Failure("POST \(path) answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
        }
        return try answer.json()
    }

    /// Creates a report in `county` and returns its id.
    func create(token: String, county: String, category: Int = 7, description: String = "Nielegalne wysypisko śmieci") async throws -> String {
        let report = try await write(
            "/v1/reports", token: token,
            ["county": county, "category": category, "description": description, "pillar": "direct_contact"], expect: 201)
        return try #require(report["id"] as? String)
    }

    func status() async throws -> [String: Any] { try await send(.GET, "/v1/status", token: nil).json() }
}
