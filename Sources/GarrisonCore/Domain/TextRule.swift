/// How long a text may be and which characters it may hold (DESIGN §6: every field of every change is validated
/// at every edge). Lengths count Unicode scalars and UTF-8 bytes, never grapheme clusters: 200 KB of combining
/// marks is one "character" to `String.count` but 100,000 scalars here. Control characters (NUL first of all,
/// which PostgreSQL's jsonb refuses) are refused everywhere; multi-line texts keep tab, line feed and carriage return.
public struct TextRule: Hashable, Sendable {
    /// The fewest scalars (1 for a required text).
    public let minScalars: Int
    /// The most Unicode scalars.
    public let maxScalars: Int
    /// The most UTF-8 bytes.
    public let maxBytes: Int
    /// Whether tab, line feed and carriage return are allowed.
    public let multiline: Bool

    public init(minScalars: Int = 1, maxScalars: Int, maxBytes: Int? = nil, multiline: Bool = false) {
        self.minScalars = minScalars
        self.maxScalars = maxScalars
        self.maxBytes = maxBytes ?? maxScalars * 4
        self.multiline = multiline
    }

    /// A report's description (DOMAIN: citizens' reports up to 500 characters).
    public static let description = TextRule(maxScalars: 500, maxBytes: 2_000, multiline: true)
    /// A note's text.
    public static let note = TextRule(maxScalars: 2_000, maxBytes: 8_000, multiline: true)
    /// A verification card's findings or actions.
    public static let cardText = TextRule(minScalars: 0, maxScalars: 2_000, maxBytes: 8_000, multiline: true)
    /// A single-line name: who opened a card, a note's author, the body a report is handed over to.
    public static let name = TextRule(maxScalars: 200, maxBytes: 800)
    /// A reason given with an action (a reopen, an override).
    public static let reason = TextRule(maxScalars: 500, maxBytes: 2_000, multiline: true)

    /// Throws `invalid_text`, `text_too_short` or `text_too_long` naming `field`.
    public func check(_ text: String, field: String) throws(ValidationError) {
        var scalars = 0
        for scalar in text.unicodeScalars {
            scalars += 1
            if scalars > maxScalars { break }
            if Self.isRefused(scalar, multiline: multiline) {
                let shown = "U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
                throw ValidationError(
                    code: .invalidText, message: "control character \(shown) is not allowed here", field: field)
            }
        }
        guard scalars <= maxScalars, text.utf8.count <= maxBytes else {
            throw ValidationError(
                code: .textTooLong,
                message: "at most \(maxScalars) characters and \(maxBytes) bytes of UTF-8 "
                    + "(got \(text.unicodeScalars.count) characters, \(text.utf8.count) bytes)", field: field)
        }
        guard scalars >= minScalars, !(minScalars > 0 && text.allSatisfy(\.isWhitespace)) else {
            throw ValidationError(code: .textTooShort, message: "the text is empty", field: field)
        }
    }

    /// C0 and C1 controls and DEL (tab, LF, CR only in multi-line texts), and the two non-characters U+FFFE/U+FFFF.
    static func isRefused(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: !multiline
        case 0x00...0x1F, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
