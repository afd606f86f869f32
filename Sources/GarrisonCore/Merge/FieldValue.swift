/// A JSON value: what a plain report field holds in a change and in the merged state.
///
/// Fields are generic values so that the merge, the wire format and both stores treat every last-writer-wins
/// field alike; `Report` gives them types.
public enum FieldValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([FieldValue])
    case object([String: FieldValue])

    /// A number, normalised the way JSON round-trips it: an integral value becomes `.int`, so a value written
    /// locally equals the same value decoded at another site.
    public static func number(_ value: Double) -> FieldValue {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 { return .int(Int64(value)) }
        return .double(value)
    }

    /// A canonical text form (sorted object keys), stable across sites.
    public var canonical: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): "\(value)"
        case .string(let value): "\"" + value.unicodeScalars.map { $0 == "\"" ? "\\\"" : String($0) }.joined() + "\""
        case .array(let values): "[" + values.map(\.canonical).joined(separator: ",") + "]"
        case .object(let object):
            "{" + object.keys.sorted().map { "\"\($0)\":\(object[$0]!.canonical)" }.joined(separator: ",") + "}"
        }
    }

    /// The string, if the value is one.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The integer, if the value is one.
    public var intValue: Int64? { if case .int(let value) = self { value } else { nil } }
    /// The number as a double, for an int or a double.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
    /// The boolean, if the value is one.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }

    /// The strings of an array value (nil for anything else, or an array holding anything but strings).
    public var stringList: [String]? {
        guard case .array(let values) = self else { return nil }
        let strings = values.compactMap(\.stringValue)
        return strings.count == values.count ? strings : nil
    }
    /// Whether the value is `null`.
    public var isNull: Bool { self == .null }
}

extension FieldValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // JSON gives no way to ask a value's type, so kinds are tried in turn and each miss costs a thrown error:
        // the order follows how often report fields hold each kind (text, then whole numbers), which keeps
        // decoding a change or a stored state off its slowest path.
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([String: FieldValue].self) {
            self = .object(value)
        } else if let value = try? container.decode([FieldValue].self) {
            self = .array(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
