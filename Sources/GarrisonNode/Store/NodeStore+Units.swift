import Crypto
import Foundation
import GRDB
import GarrisonCore

/// A unit's identity at the local API, from its bearer token (see `UnitRole` for what each role may do).
public struct UnitPrincipal: Hashable, Sendable, Codable {
    /// The token's id (for listing and revocation; never the secret).
    public let tokenID: String
    /// The unit (`KPP-2063`) for unit-bound roles; nil for the voivodeship coordinator.
    public let unit: String?
    public let role: UnitRole
    /// Who holds the token (a workstation or a person's function), the author of notes and history entries.
    public let label: String

    /// The author recorded on changes: the unit and the label.
    public var author: String { unit.map { "\($0) (\(label))" } ?? (role == .national ? "KGP (\(label))" : "KWP (\(label))") }
}

/// What a token lets its holder do at the node's local API. Every role reads all of its garrison's reports.
public enum UnitRole: String, Sendable, Codable, CaseIterable {
    /// An officer of a KMP/KPP/KRP: creates reports in the unit's county and works the unit's reports (card,
    /// status, handover, notes).
    case officer
    /// The unit's local coordinator: as an officer, and may reopen the unit's closed reports.
    case coordinator
    /// The voivodeship coordinator: every report of the garrison, reopens, and assigns reports to units.
    case voivodeship
    /// National HQ staff at the national node: moderation, duplicate links and moving reports between garrisons.
    case national

    /// Roles bound to no unit.
    var isUnbound: Bool { self == .voivodeship || self == .national }
}

/// A newly issued token: the secret is shown once and only its hash is stored.
public struct IssuedToken: Sendable {
    public let id: String
    public let token: String
}

/// A stored token, without its secret.
public struct TokenListing: Sendable, Codable {
    public let id: String
    public let unit: String?
    public let role: UnitRole
    public let label: String
    public let createdAtMillis: Int64
    public let revokedAtMillis: Int64?

    private enum CodingKeys: String, CodingKey {
        case id, unit, role, label
        case createdAtMillis = "created_at"
        case revokedAtMillis = "revoked_at"
    }
}

extension NodeStore {
    /// Issues a token for `unit` (nil for the voivodeship role) and stores its SHA-256.
    public func issueToken(unit: String?, role: UnitRole, label: String, nowMillis: Int64) throws -> IssuedToken {
        if role.isUnbound, unit != nil { throw NodeStoreError("a \(role.rawValue) token is not bound to a unit") }
        if (role == .national) != (principal.role == .national) {
            throw NodeStoreError(principal.role == .national
                ? "the national node issues national tokens only" : "national tokens are issued at the national node")
        }
        if !role.isUnbound {
            guard let unit, let county = Self.county(ofUnit: unit),
                GarrisonRegistry.standard.garrison(covering: county)?.code == principal.garrison
            else {
                throw NodeStoreError(
                    "\(unit ?? "(no unit)") is not a unit of garrison \(principal.garrison?.rawValue ?? "-") "
                        + "(units are written like KPP-2063: KMP, KPP or KRP and a county TERYT)")
            }
            guard LocalUnit(county: county).id == unit else {
                throw NodeStoreError("county \(county) is served by \(LocalUnit(county: county).id), not \(unit)")
            }
        }
        var generator = SystemRandomNumberGenerator()
        let id = String((0..<8).map { _ in "abcdefghijkmnpqrstuvwxyz23456789".randomElement(using: &generator)! })
        let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
            .base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let token = "gut_\(id)_\(secret)"
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO unit_token (id, token_hash, unit, role, label, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, Self.hash(token), unit, role.rawValue, label, nowMillis])
        }
        return IssuedToken(id: id, token: token)
    }

    /// The principal a presented token stands for, or nil (unknown or revoked).
    public func authenticate(token: String) throws -> UnitPrincipal? {
        let hash = Self.hash(token)
        return try pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, unit, role, label FROM unit_token WHERE token_hash = ? AND revoked_at IS NULL",
                arguments: [hash])
            else { return nil }
            guard let role = UnitRole(rawValue: row["role"]) else { return nil }
            return UnitPrincipal(tokenID: row["id"], unit: row["unit"], role: role, label: row["label"])
        }
    }

    /// Revokes a token by id; false when no such token exists.
    public func revokeToken(id: String, nowMillis: Int64) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE unit_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [nowMillis, id])
            return db.changesCount > 0
        }
    }

    /// Every token issued, newest first.
    public func tokens() throws -> [TokenListing] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM unit_token ORDER BY created_at DESC").map { row in
                TokenListing(
                    id: row["id"], unit: row["unit"], role: UnitRole(rawValue: row["role"]) ?? .officer,
                    label: row["label"], createdAtMillis: row["created_at"], revokedAtMillis: row["revoked_at"])
            }
        }
    }

    /// The county of a unit id such as `KPP-2063`.
    static func county(ofUnit unit: String) -> CountyCode? {
        guard let dash = unit.firstIndex(of: "-") else { return nil }
        return try? CountyCode(validating: String(unit[unit.index(after: dash)...]))
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
