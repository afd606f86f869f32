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
    public static let maxFindingsLength = TextRule.cardText.maxScalars

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

    /// Reads a card from a field value, with a precise error for a malformed one: its keys and no others, an opening
    /// time within `bounds`, texts within their rules.
    init(_ value: FieldValue, bounds: TimeBounds) throws(ValidationError) {
        let keys: Set<String> = ["opened_at", "opened_by", "findings", "actions"]
        guard case .object(let object) = value, Set(object.keys).isSubset(of: keys),
            let opened = object["opened_at"]?.intValue, let by = object["opened_by"]?.stringValue
        else {
            throw ValidationError(
                code: .invalidCard,
                message: "a verification card is {\"opened_at\" (ms), \"opened_by\", \"findings\", \"actions\"}",
                field: "card")
        }
        try bounds.checkTime(opened, field: "card.opened_at")
        try TextRule.name.check(by, field: "card.opened_by")
        func text(_ key: String) throws(ValidationError) -> String {
            guard let value = object[key] else { return "" }
            guard let text = value.stringValue else {
                throw ValidationError(code: .invalidCard, message: "\(key) is text", field: "card.\(key)")
            }
            try TextRule.cardText.check(text, field: "card.\(key)")
            return text
        }
        self.init(openedAtMillis: opened, openedBy: by, findings: try text("findings"), actions: try text("actions"))
    }

    /// Reads a card from a field value (a stored or locally made one), with the validator's bounds.
    public init(_ value: FieldValue) throws(ValidationError) {
        try self.init(value, bounds: TimeBounds(nowMillis: nil, skewMillis: 0))
    }
}

/// When in the day a threat occurs, as citizens report it.
public enum TimeOfDay: String, Codable, CaseIterable, Hashable, Sendable {
    case morning, day, evening, night, always
}
