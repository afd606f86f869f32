/// The verification card (karta weryfikacyjna) a unit opens when it checks a report on the ground.
public struct VerificationCard: Hashable, Codable, Sendable {
    /// When the card was opened, milliseconds since 1970.
    public var openedAtMillis: Int64
    /// The officer or unit that opened it.
    public var openedBy: String
    /// What was found on the spot (at most `maxFindingsLength` characters).
    public var findings: String
    /// Actions taken (patrols, posts, referrals).
    public var actions: String

    /// The longest findings or actions text accepted.
    public static let maxFindingsLength = 2_000

    public init(openedAtMillis: Int64, openedBy: String, findings: String = "", actions: String = "") {
        self.openedAtMillis = openedAtMillis
        self.openedBy = openedBy
        self.findings = findings
        self.actions = actions
    }

    /// The card as a field value.
    public var fieldValue: FieldValue {
        .object([
            "opened_at": .int(openedAtMillis), "opened_by": .string(openedBy), "findings": .string(findings),
            "actions": .string(actions),
        ])
    }

    /// Reads a card from a field value, with a precise error for a malformed one.
    public init(_ value: FieldValue) throws(ValidationError) {
        guard case .object(let object) = value, let opened = object["opened_at"]?.intValue,
            let by = object["opened_by"]?.stringValue, !by.isEmpty
        else {
            throw ValidationError(
                code: "invalid_card",
                message: "a verification card needs \"opened_at\" (ms) and a non-empty \"opened_by\"", field: "card")
        }
        let findings = object["findings"]?.stringValue ?? ""
        let actions = object["actions"]?.stringValue ?? ""
        guard findings.count <= Self.maxFindingsLength, actions.count <= Self.maxFindingsLength else {
            throw ValidationError(
                code: "invalid_card",
                message: "findings and actions are limited to \(Self.maxFindingsLength) characters", field: "card")
        }
        self.init(openedAtMillis: opened, openedBy: by, findings: findings, actions: actions)
    }
}

/// When in the day a threat occurs, as citizens report it.
public enum TimeOfDay: String, Codable, CaseIterable, Hashable, Sendable {
    case morning, day, evening, night, always
}
