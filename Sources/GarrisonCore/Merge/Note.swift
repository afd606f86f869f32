/// A note on a report (officers' remarks during verification). Notes form a grow-only set keyed by id.
public struct Note: Hashable, Codable, Sendable, Identifiable {
    /// A UUIDv7 made where the note was written.
    public let id: String
    /// Who wrote it (a unit or officer identifier; never a citizen's identity).
    public let author: String
    /// The text, at most `Note.maxLength` characters.
    public let text: String
    /// When it was written, milliseconds since 1970.
    public let atMillis: Int64

    /// The longest note accepted.
    public static let maxLength = 2_000

    public init(id: String, author: String, text: String, atMillis: Int64) {
        self.id = id
        self.author = author
        self.text = text
        self.atMillis = atMillis
    }

    private enum CodingKeys: String, CodingKey {
        case id, author, text
        case atMillis = "at"
    }
}

/// A citizen's confirmation of an existing report, instead of a duplicate. Grow-only set keyed by id; who
/// confirmed is never stored in the synced data.
public struct Confirmation: Hashable, Codable, Sendable, Identifiable {
    public let id: String
    public let atMillis: Int64

    public init(id: String, atMillis: Int64) {
        self.id = id
        self.atMillis = atMillis
    }

    private enum CodingKeys: String, CodingKey {
        case id
        case atMillis = "at"
    }
}
