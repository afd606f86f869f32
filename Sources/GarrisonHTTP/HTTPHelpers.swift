import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension Response {
    /// A JSON answer from already encoded bytes.
    public static func jsonBytes(_ data: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON answer encoding `value` (snake_case keys come from each type's coding keys; dates as ISO 8601).
    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return jsonBytes(try encoder.encode(value), status: status)
    }
}

extension Request {
    /// The body, at most `limit` bytes (413 beyond).
    public func collectBody(limit: Int) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge("the body is \(length) bytes; the limit is \(limit)")
        }
        do {
            return try await body.collect(upTo: limit)
        } catch {
            throw Problem.tooLarge("the body exceeds the limit of \(limit) bytes")
        }
    }

    /// Decodes a JSON body; malformed JSON or a wrong shape is a 400 naming where decoding failed. Text holding
    /// U+0000 decodes: the validation of the field it is in refuses it (422 `invalid_text` naming the field), and a
    /// push quarantines that change alone.
    public func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        try Self.decodeJSON(type, from: try await collectBody(limit: limit))
    }

    /// Decodes a JSON body already collected, as `decodeJSON(_:limit:)` does.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw Problem.badRequest(.malformedJson, Self.describe(error))
        } catch {
            throw Problem.badRequest(.malformedJson, "the body is not valid JSON")
        }
    }


    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the body" : String(path.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "\(path(context)): missing \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "the body does not have the expected shape"
        }
    }

    /// An integer query parameter in `range`, or `fallback` when absent.
    public func integer(_ name: String, default fallback: Int64, in range: ClosedRange<Int64>) throws -> Int64 {
        guard let text = uri.queryParameters[name[...]] else { return fallback }
        guard let value = Int64(text), range.contains(value) else {
            throw Problem.badRequest(
                .invalidParameter, "\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A text query parameter.
    public func text(_ name: String) -> String? { uri.queryParameters[name[...]].map(String.init) }
}

