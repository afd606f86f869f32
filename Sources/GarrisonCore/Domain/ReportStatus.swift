/// The status of a report, with the real Polish names the police and the public map use.
public enum ReportStatus: String, Codable, CaseIterable, Hashable, Sendable {
    case nowe = "Nowe"
    case weryfikacja = "Weryfikacja"
    case potwierdzone = "Potwierdzone"
    case wyeliminowane = "Potwierdzone (wyeliminowane)"
    case przekazane = "Potwierdzone (przekazane poza Policję)"
    case niepotwierdzone = "Niepotwierdzone"
    case zartLubPomylka = "Żart lub pomyłka"

    /// Position in the lifecycle; the status register orders writes of one epoch by it (DESIGN §3), so a late
    /// "Weryfikacja" never overwrites a closed outcome.
    public var rank: Int {
        switch self {
        case .nowe: 0
        case .weryfikacja: 1
        case .potwierdzone, .niepotwierdzone, .zartLubPomylka: 2
        case .wyeliminowane, .przekazane: 3
        }
    }

    /// The statuses reachable in one step within an epoch (a reopen is separate: see `canReopen`).
    public var next: Set<ReportStatus> {
        switch self {
        case .nowe: [.weryfikacja]
        case .weryfikacja: [.potwierdzone, .niepotwierdzone, .zartLubPomylka]
        case .potwierdzone: [.wyeliminowane, .przekazane]
        case .wyeliminowane, .przekazane, .niepotwierdzone, .zartLubPomylka: []
        }
    }

    /// Whether verification has ended with an outcome (the 5-day deadline is met once a report gets here).
    public var isVerified: Bool { rank >= 2 }

    /// Whether a coordinator may reopen the report (back to Weryfikacja, in a new epoch).
    public var canReopen: Bool { isVerified }

    /// The colour of the public map: green accepted, yellow being verified, red confirmed, grey not confirmed.
    public var publicColor: String {
        switch self {
        case .nowe: "green"
        case .weryfikacja: "yellow"
        case .potwierdzone, .wyeliminowane, .przekazane: "red"
        case .niepotwierdzone, .zartLubPomylka: "grey"
        }
    }

    /// Whether the outcome confirms the threat.
    public var isConfirmed: Bool { self == .potwierdzone || self == .wyeliminowane || self == .przekazane }

    /// Checks a status move made by a user: one step along the flow, or a reopen of a verified report.
    public static func validateTransition(from old: ReportStatus, to new: ReportStatus, reopen: Bool)
        throws(ValidationError)
    {
        if reopen {
            guard old.canReopen, new == .weryfikacja else {
                throw ValidationError(
                    code: .invalidTransition,
                    message: "only a verified report can be reopened, and a reopen goes back to \"Weryfikacja\" "
                        + "(\"\(old.rawValue)\" → \"\(new.rawValue)\" was asked)", field: "status")
            }
            return
        }
        guard old.next.contains(new) else {
            let allowed = old.next.map { "\"\($0.rawValue)\"" }.sorted().joined(separator: ", ")
            throw ValidationError(
                code: .invalidTransition,
                message: "\"\(old.rawValue)\" cannot move to \"\(new.rawValue)\""
                    + (allowed.isEmpty ? " (it is closed: reopen it first)" : "; allowed: \(allowed)"),
                field: "status")
        }
    }
}
