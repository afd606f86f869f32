import AsyncHTTPClient
import Foundation
import GarrisonCore
import GarrisonTLS
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// An HTTPS client of the hub with a client certificate (mutual TLS): nodes, garrisonctl, tests, benchmarks.
public final class HubClient: Sendable {
    /// `https://host:port`, no trailing slash.
    public let baseURL: String
    private let http: HTTPClient
    private let timeout: TimeAmount

    /// A client presenting `credential`, trusting only the deployment CA in `caPEM`.
    ///
    /// `retryConnecting` false makes a refused or failed connection fail the request at once, for callers that
    /// retry with their own backoff and report each failure (the node's sync worker).
    ///
    /// The hub's certificate is verified against the host name in `baseURL` (with `verifyHostname`). To reach the
    /// hub at another address than that name resolves to (an IP, a load balancer), give it as `connectAddress`:
    /// the connection goes there, and the TLS server name and the check stay the URL's host name, so the hub's
    /// certificate needs no IP address in it.
    public convenience init(
        baseURL: String, certificatePEM: String, keyPEM: String, caPEM: String, timeout: Duration = .seconds(60),
        verifyHostname: Bool = true, connectAddress: String? = nil, retryConnecting: Bool = true, connections: Int = 8
    ) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        tls.certificateVerification = verifyHostname ? .fullVerification : .noHostnameVerification
        self.init(
            baseURL: baseURL, tls: tls, timeout: timeout, connectAddress: connectAddress, retryConnecting: retryConnecting,
            connections: connections)
    }

    /// A client with a TLS configuration of the caller's (a test presenting no certificate, say).
    /// `connections` bounds the connections kept to the hub: a national node long-polls one feed per garrison
    /// at once, and a push must never queue behind them. `tls` is restricted to the deployment's `TLSProfile`.
    public init(
        baseURL: String, tls: TLSConfiguration, timeout: Duration = .seconds(60), connectAddress: String? = nil,
        retryConnecting: Bool = true, connections: Int = 8
    ) {
        var configuration = HTTPClient.Configuration(tlsConfiguration: TLSProfile.applied(to: tls))
        if let connectAddress, let host = URLComponents(string: baseURL)?.host {
            // AsyncHTTPClient connects to the address and keeps the URL's host as TLS server name and for the check.
            configuration.dnsOverride = [host: connectAddress]
        }
        // Idle connections are dropped before the hub's idle timeout (30 s by default) closes them, so a request
        // is never sent on a connection the hub is closing at that moment.
        configuration.connectionPool.idleTimeout = .seconds(10)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connections)
        configuration.connectionPool.retryConnectionEstablishment = retryConnecting
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(Int64(timeout.components.seconds)))
        configuration.decompression = .enabled(limit: .ratio(50))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = .seconds(Int64(timeout.components.seconds) + 5)
    }

    /// Closes the connections.
    public func shutdown() async throws { try await http.shutdown() }

    /// `POST /v1/sync/push`.
    public func push(_ request: PushRequest) async throws -> PushAck {
        try await decode(PushAck.self, send(.POST, "/v1/sync/push", json: request))
    }

    /// `POST /v1/sync/push` of a body already encoded (a node sends its stored change JSON as it is).
    public func push(rawBody: Data) async throws -> PushAck {
        try checked(try await decode(PushAck.self, send(.POST, "/v1/sync/push", body: rawBody))) { try $0.validate() }
    }

    /// `GET /v1/sync/pull`; a garrison's node also reports its `queue` depth and its `set_aside` changes with
    /// the first one's problem code (the rollout's readiness gates).
    public func pull(
        cursor: Int64, limit: Int, wait: Int = 0, garrison: GarrisonCode? = nil, queue: Int64? = nil,
        setAside: (count: Int64, code: String?)? = nil
    ) async throws -> PullPage {
        var path = "/v1/sync/pull?cursor=\(cursor)&limit=\(limit)&wait=\(wait)"
        if let garrison { path += "&garrison=\(garrison.rawValue)" }
        if let queue { path += "&queue=\(queue)" }
        if let setAside {
            path += "&set_aside=\(setAside.count)"
            // Only a plain problem code goes (the hub refuses anything else): it needs no escaping.
            if let code = setAside.code.flatMap(ProblemCode.init(validating:)) {
                path += "&set_aside_code=\(code)"
            }
        }
        return try checked(try await decode(PullPage.self, send(.GET, path))) { try $0.validate(after: cursor, limit: limit) }
    }

    /// `GET /v1/sync/garrisons`: every garrison's rollout phase.
    public func garrisons() async throws -> [GarrisonPhase] {
        try await decode([GarrisonPhase].self, send(.GET, "/v1/sync/garrisons"))
    }

    /// `GET /v1/sync/catalogue`: every category catalogue version.
    public func catalogues() async throws -> [CategoryCatalogue] {
        try await decode([CategoryCatalogue].self, send(.GET, "/v1/sync/catalogue"))
    }

    /// `POST /v1/sync/catalogue`: publishes the next catalogue version (the national role).
    public func publish(_ catalogue: CategoryCatalogue) async throws {
        _ = try await send(.POST, "/v1/sync/catalogue", json: catalogue)
    }

    /// `GET /v1/sync/snapshot`.
    public func snapshot(after: String = "", limit: Int = 500, garrison: GarrisonCode? = nil) async throws -> SnapshotPage {
        var path = "/v1/sync/snapshot?limit=\(limit)&after=\(after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        if let garrison { path += "&garrison=\(garrison.rawValue)" }
        return try checked(try await decode(SnapshotPage.self, send(.GET, path))) { try $0.validate(after: after, limit: limit) }
    }

    /// An answer that passed `check` (DESIGN §6: the node does not trust the hub blindly); a malformed one is a
    /// failed request (502 `malformed_answer`), retried like an outage.
    private func checked<T>(_ answer: T, _ check: (T) throws -> Void) throws -> T {
        do {
            try check(answer)
        } catch let error as ValidationError {
            throw HubClientError(status: 502, code: error.code, detail: error.description)
        }
        return answer
    }

    /// A request with a JSON body; non-2xx answers throw `HubClientError` with the problem's code.
    public func send(_ method: HTTPMethod, _ path: String, json body: some Encodable) async throws -> HubResponse {
        try await send(method, path, body: try JSONEncoder().encode(body))
    }

    /// A raw request; non-2xx answers throw `HubClientError` with the problem's code.
    public func send(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> HubResponse {
        let response = try await exchange(method, path, body: body)
        guard (200..<300).contains(response.status) else { throw HubClientError(response) }
        return response
    }

    /// A raw request whatever its answer (tests that check refusals).
    public func exchange(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> HubResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: Self.maxAnswerBytes)
        return HubResponse(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), body: Data(buffer: bytes),
            retryAfter: response.headers.first(name: "Retry-After"))
    }

    /// The largest answer read from the hub (a pull page of 5,000 changes is a few MB).
    static let maxAnswerBytes = 64 << 20

    /// Decodes an answer's JSON body (dates as ISO 8601, as the hub writes them).
    public func decode<T: Decodable>(_ type: T.Type, _ response: HubResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: response.body)
    }
}

/// An answer from the hub.
public struct HubResponse: Sendable {
    public let status: Int
    public let contentType: String?
    public let body: Data
    /// The `Retry-After` header (seconds), sent with 503 and 429.
    public var retryAfter: String?

    public init(status: Int, contentType: String?, body: Data, retryAfter: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.retryAfter = retryAfter
    }

    /// The problem+json `code`, if the body is one.
    public var problemCode: String? {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["code"] as? String
    }
}

/// A non-2xx answer from the hub, with its problem code and detail.
public struct HubClientError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let code: ProblemCode
    public let detail: String

    init(status: Int, code: ProblemCode, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    init(_ response: HubResponse) {
        let problem = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        self.status = response.status
        self.code = (problem?["code"] as? String).flatMap(ProblemCode.init(validating:)) ?? .http(response.status)
        self.detail = problem?["detail"] as? String ?? String(decoding: response.body.prefix(500), as: UTF8.self)
    }

    public var description: String { "\(status) \(code): \(detail)" }

    /// What the sync machine does about it (DESIGN §4): retry later, slowly when refused, smaller when too large;
    /// a batch the hub could not read or take (400, 409, 422) is narrowed down to the change at fault, and a
    /// server error (5xx) is an outage unless the hub keeps failing that batch while it answers the rest.
    public var syncFailure: SyncFailure {
        switch status {
        case 413: .tooLarge
        case 401, 403: .refused("\(code): \(detail)")
        // About this node, not its batch (its id is registered to another garrison): no batch will ever pass.
        case 409 where code == .nodeIdTaken: .refused("\(code): \(detail)")
        case 400, 409, 422: .rejected(status: status, code: code, detail: detail)
        case 500...599: .hubError(status: status, code: code, detail: detail)
        default: .transient("\(status) \(code): \(detail)")
        }
    }
}
