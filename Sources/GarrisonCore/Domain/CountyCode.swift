import Foundation

/// A county's 4-digit TERYT code (`"1418"`): two digits of voivodeship, two of county.
///
/// Codes 01–60 of the county part are land counties (powiaty ziemskie); 61–99 are cities with county rights,
/// which is what decides whether the county's police unit is a KMP (city) or a KPP.
public struct CountyCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The four digits, e.g. `"1465"`.
    public let rawValue: String

    /// The two-digit TERYT code of the voivodeship, even numbers `02`…`32`.
    public static let voivodeshipCodes: [String] = stride(from: 2, through: 32, by: 2).map { String(format: "%02d", $0) }

    /// Parses a TERYT county code; fails with a precise reason for anything that is not one.
    public init(validating text: String) throws(ValidationError) {
        guard text.count == 4, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidTeryt(text, reason: "a county TERYT code is exactly 4 digits")
        }
        let voivodeship = String(text.prefix(2))
        guard Self.voivodeshipCodes.contains(voivodeship) else {
            throw .invalidTeryt(text, reason: "no voivodeship has TERYT code \(voivodeship)")
        }
        guard text.suffix(2) != "00" else {
            throw .invalidTeryt(text, reason: "county number 00 does not exist")
        }
        self.rawValue = text
    }

    /// For literals the project owns (seed data, tests); traps on a malformed code.
    public init(_ text: String) {
        do { try self.init(validating: text) } catch { preconditionFailure("\(error)") }
    }

    /// The voivodeship part (`"14"` for `"1418"`).
    public var voivodeship: String { String(rawValue.prefix(2)) }

    /// Whether this is a city with county rights (county number 61 or above).
    public var isCity: Bool { Int(rawValue.suffix(2)).map { $0 >= 61 } ?? false }

    public var description: String { rawValue }

    public static func < (lhs: CountyCode, rhs: CountyCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension CountyCode: Codable {
    public init(from decoder: Decoder) throws {
        try self.init(validating: decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
