import Crypto
import Foundation
import GarrisonCore
import GarrisonHTTP
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPField.Name {
    /// `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header).
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// Set on an answer that replays the first write of a retried request.
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

extension IdempotentRequest {
    /// A write's body with its `Idempotency-Key`, if it sent one: the key (a structured-field string, `"…"`, or
    /// the bare text; 1–255 visible ASCII characters, else 400 `invalid_idempotency_key`) and the fingerprint of
    /// the method, path and body, in the key space of `client` (the token's id).
    static func body(of request: Request, limit: Int, client: String) async throws -> (ByteBuffer, IdempotentRequest?) {
        let body = try await request.collectBody(limit: limit)
        guard let header = request.headers[.idempotencyKey] else { return (body, nil) }
        var key = Substring(header.trimmingCharacters(in: .whitespaces))
        if key.count >= 2, key.first == "\"", key.last == "\"" { key = key.dropFirst().dropLast() }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7e).contains($0) && $0 != UInt8(ascii: "\"") })
        else {
            throw Problem.badRequest(
                .invalidIdempotencyKey, "Idempotency-Key is 1 to 255 visible ASCII characters, e.g. a UUID in quotes")
        }
        var hash = SHA256()
        hash.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hash.update(data: Array(body.readableBytesView))
        let fingerprint = hash.finalize().map { String(format: "%02x", $0) }.joined()
        return (body, IdempotentRequest(key: String(key), fingerprint: fingerprint, client: client))
    }
}

/// A desk whose writes carry the request's `Idempotency-Key` into the store's transaction.
protocol KeyedDesk: Sendable {
    var idempotency: IdempotentRequest? { get set }
}

extension KeyedDesk {
    /// This desk for one request with its `Idempotency-Key`.
    func keyed(_ request: IdempotentRequest?) -> Self {
        var desk = self
        desk.idempotency = request
        return desk
    }
}
