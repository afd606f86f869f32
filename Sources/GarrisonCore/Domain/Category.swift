/// A threat category of the national catalogue (e.g. 16 "Przekraczanie dozwolonej prędkości").
public struct Category: Codable, Hashable, Sendable, Identifiable {
    /// What the public map shows of reports in this category.
    public enum Visibility: String, Codable, Sendable {
        /// Always public.
        case always
        /// Public only once confirmed.
        case confirmed
        /// Police only.
        case never
    }

    /// The category's number in the catalogue; stable across versions.
    public let id: Int
    /// The Polish name, as the public map shows it.
    public let name: String
    /// Public visibility of its reports.
    public let visibility: Visibility
    /// Whether new reports may use it (retired categories stay for the reports made under them).
    public let active: Bool

    public init(id: Int, name: String, visibility: Visibility, active: Bool = true) {
        self.id = id
        self.name = name
        self.visibility = visibility
        self.active = active
    }
}
