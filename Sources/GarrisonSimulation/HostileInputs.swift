import Foundation
import GarrisonCore

/// A seeded generator of malformed, extreme and hostile inputs (issue 13's hostile-input suite and fuzz loop):
/// changes derived from a valid one by one to three hostile mutations (random field values, huge and negative
/// integers, control characters, foreign sites, future stamps, wrong units and counties, ids out of format), and
/// JSON bodies from valid to garbage. The same seed gives the same inputs.
public struct HostileInputs {
    private var random: SplitMix64
    /// The receiver's clock the inputs are aimed at (future stamps are far ahead of it).
    public let nowMillis: Int64

    public init(seed: UInt64, nowMillis: Int64) {
        self.random = SplitMix64(seed: seed)
        self.nowMillis = nowMillis
    }

    /// A number in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(max(bound, 1))) }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// One of `items`.
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A valid UUIDv7.
    public mutating func uuid() -> String { UUIDv7.make(millis: nowMillis, using: &random) }

    /// A hostile string: control characters, huge runs of combining marks, bidi overrides, emoji, near-limit sizes.
    public mutating func string() -> String {
        switch below(12) {
        case 0: return "\u{0}"
        case 1: return "abc\u{0}def"
        case 2: return "line\u{1B}[31mred\u{7}"
        case 3: return "a" + String(repeating: "\u{301}", count: 300 + below(3_000))
        case 4: return String(repeating: "ż", count: 490 + below(20))
        case 5: return "\u{202E}gnp.exe"
        case 6: return "🚓" + String(repeating: "👮🏽‍♀️", count: below(200))
        case 7: return ""
        case 8: return " \t\n "
        case 9: return "\u{85}next\u{2028}line\u{FFFF}"
        case 10: return String(repeating: "x", count: below(5_000))
        default: return "zwykły tekst \(below(1_000))"
        }
    }

    /// An extreme integer.
    public mutating func integer() -> Int64 {
        pick([Int64.max, Int64.min, 0, -1, 1, 1 << 53, (1 << 53) + 1, Int64(Int32.max), nowMillis + 50 * 365 * 86_400_000,
              Int64(below(10_000))])
    }

    /// A hostile field value of any kind.
    public mutating func value(depth: Int = 0) -> FieldValue {
        switch below(depth > 2 ? 5 : 8) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .int(integer())
        case 3: return .double(pick([1e300, -1e300, 0.5, 53.1, 1e-300]))
        case 4: return .string(string())
        case 5: return .array((0..<below(4)).map { _ in value(depth: depth + 1) })
        case 6: return .object(["lat": value(depth: depth + 1), "lon": value(depth: depth + 1), string(): .null])
        default: return .object(Dictionary(uniqueKeysWithValues: (0..<below(4)).map { ("k\($0)", value(depth: depth + 1)) }))
        }
    }

    /// A hostile site id.
    public mutating func site(sender: SiteID) -> SiteID {
        SiteID(rawValue: pick(["hub", "intake", "node-22", "", "a\nb", String(repeating: "s", count: 100), "national", sender.rawValue]))
    }

    /// A hostile stamp.
    public mutating func stamp(sender: SiteID) -> HLC {
        HLC(
            wallMillis: pick([Int64.max, -1, nowMillis + 50 * 365 * 86_400_000, nowMillis + 3_600_000, nowMillis, 0]),
            counter: pick([0, UInt32.max, 7]), site: chance(70) ? sender : site(sender: sender))
    }

    /// `base` with one to three hostile mutations, as written by `sender`.
    public mutating func mutate(_ base: Change, sender: SiteID) -> Change {
        var change = base
        for _ in 0..<(1 + below(3)) { mutateOnce(&change, sender: sender) }
        return change
    }

    private mutating func mutateOnce(_ change: inout Change, sender: SiteID) {
        switch below(16) {
        case 0:
            let field = pick(ReportField.allCases)
            change.fields[field] = Register(value: value(), stamp: change.fields.values.first?.stamp ?? stamp(sender: sender))
        case 1:
            let field = pick(change.fields.isEmpty ? [ReportField.description] : change.fields.keys.sorted())
            change.fields[field] = Register(value: .string(string()), stamp: change.fields[field]?.stamp ?? stamp(sender: sender))
        case 2:
            let field = pick(change.fields.isEmpty ? [ReportField.createdAt] : change.fields.keys.sorted())
            change.fields[field] = Register(value: .int(integer()), stamp: change.fields[field]?.stamp ?? stamp(sender: sender))
        case 3:
            if let field = change.fields.keys.sorted().first { change.fields[field]?.stamp = stamp(sender: sender) }
        case 4:
            change.status = StatusRegister(
                status: pick(ReportStatus.allCases), epoch: pick([Int.max, Int.min, -1, 0, 1, 2, 10_001]), stamp: stamp(sender: sender),
                base: chance(50) ? nil : stamp(sender: sender))
        case 5:
            change.origin = site(sender: sender)
        case 6:
            change.reportID = pick([string(), uuid().uppercased(), "0190a3f2-7c1e-4b3a-9f00-1234567890ab", uuid() + "\u{0}", ""])
        case 7:
            change.garrison = GarrisonCode(rawValue: pick(["99", "", "20\n", "KSP", "22", "ksp"]))
        case 8:
            change.notes = (0..<pick([1, 3, 150])).map { _ in
                Note(id: chance(70) ? uuid() : string(), author: chance(70) ? "KMP-2061" : string(), text: string(), atMillis: integer())
            }
        case 9:
            change.confirmations = [Confirmation(id: chance(50) ? uuid() : string(), atMillis: integer())]
        case 10:
            change.tombstone = stamp(sender: sender)
        case 11:
            change.kind = pick([.create, .update, .restore])
        case 12:
            change.fields[.unit] = Register(
                value: .string(pick(["KMP-2261", "KPP-2061", "KRP-1465", "KPP-9999", "XYZ-2002", string()])),
                stamp: change.fields.values.first?.stamp ?? stamp(sender: sender))
        case 13:
            change.fields[.county] = Register(
                value: .string(pick(["2099", "2050", "abcd", "2261", "1465", "0000", string()])),
                stamp: change.fields.values.first?.stamp ?? stamp(sender: sender))
        case 14:
            let point = pick([(53.68, 23.83), (54.71, 20.51), (49.84, 24.03), (52.09, 23.69), (90.0, 180.0), (-1.0, 1e300)])
            change.fields[.location] = Register(
                value: .object(["lat": .double(point.0), "lon": .double(point.1)]),
                stamp: change.fields.values.first?.stamp ?? stamp(sender: sender))
        default:
            change.fields[.description] = Register(
                value: .string(string()), stamp: change.fields[.description]?.stamp ?? stamp(sender: sender))
        }
    }

    /// A hostile JSON text for a decoder: a valid body mutated at the byte level, deep nesting, huge numbers,
    /// truncation, invalid UTF-8, or plain garbage.
    public mutating func json(from valid: [UInt8]) -> [UInt8] {
        switch below(8) {
        case 0: return Array(valid.prefix(below(valid.count + 1)))
        case 1:
            var bytes = valid
            for _ in 0..<(1 + below(8)) where !bytes.isEmpty { bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            return bytes
        case 2: return Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        case 3: return Array(#"{"rebase":false,"changes":[{"seq":1e400,"change":{}}]}"#.utf8)
        case 4: return valid + [0xFF, 0xFE, 0x00]
        case 5: return (0..<below(512)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        case 6: return Array(#"{"changes":[{"seq":1,"change":{"report_id":"x","report_id":"y"}}],"rebase":"yes"}"#.utf8)
        default: return valid
        }
    }
}
