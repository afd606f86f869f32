/// The one format of every id that travels (DESIGN §2): report, note and confirmation ids are UUIDv7 in lowercase
/// canonical form (`0190a3f2-7c1e-7b3a-9f00-1234567890ab`); site ids are 1–64 of `[A-Za-z0-9._-]`, as the
/// certificates name them.
public enum WireID {
    /// Whether `text` is a lowercase canonical UUID of version 7 with the RFC 9562 variant.
    public static func isUUIDv7(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard byte == UInt8(ascii: "-") else { return false }
            default:
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                else { return false }
            }
        }
        let variant = bytes[19]
        return bytes[14] == UInt8(ascii: "7")
            && [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(variant)
    }

    /// Throws `invalid_id` naming `field` unless `text` is a UUIDv7.
    public static func checkUUIDv7(_ text: String, field: String) throws(ValidationError) {
        guard isUUIDv7(text) else {
            throw ValidationError(
                code: .invalidId, message: "an id is a lowercase UUIDv7 (8-4-4-4-12 hex digits, version 7)", field: field)
        }
    }

    /// Whether `site` is 1–64 of `[A-Za-z0-9._-]`.
    public static func isSite(_ site: SiteID) -> Bool {
        let bytes = site.rawValue.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }
}
