/// Field authority (DESIGN §3): which principal may write what. A change that writes anything its sender does
/// not own is refused as a whole, with a reason; it never partially applies.
public enum Authority {
    /// Returns why `principal` may not apply `change` to `current` (the receiver's state), or nil if it may.
    public static func check(_ change: Change, by principal: Principal, current: ReportState?) -> QuarantineReason? {
        // Tenancy first, for every kind of change: a node learns nothing about another garrison's reports, not
        // even whether they exist, and may not touch a report that now belongs to another garrison.
        if principal.role == .node {
            if change.garrison != principal.garrison { return .crossTenant(principal, garrison: change.garrison) }
            if let owner = current?.garrison, owner != change.garrison { return .crossTenant(principal, garrison: owner) }
        }
        if change.kind == .create, let current, !isReplayOfCreation(change, current) {
            return .reportExists(change.reportID)
        }
        if change.kind == .update, current == nil { return .unknownReport(change.reportID) }
        if change.kind == .restore { return checkRestore(change, by: principal) }
        switch principal.role {
        case .admin:
            return nil
        case .node:
            if let pillar = change.fields[.pillar]?.value.stringValue, pillar == Pillar.citizensOnline.rawValue {
                return .unauthorizedField(principal, "pillar=citizens_online")
            }
            let owned = change.kind == .create ? ReportField.creation : ReportField.garrisonOwned
            if let field = change.fields.keys.sorted().first(where: { !owned.contains($0) }) {
                return .unauthorizedField(principal, field.rawValue)
            }
            if !change.confirmations.isEmpty { return .unauthorizedField(principal, "confirmations") }
            if change.tombstone != nil { return .unauthorizedField(principal, "tombstone") }
            return nil
        case .national:
            if change.kind == .create { return .unauthorizedField(principal, "create") }
            if let field = change.fields.keys.sorted().first(where: { !ReportField.nationalOwned.contains($0) }) {
                return .unauthorizedField(principal, field.rawValue)
            }
            if change.status != nil { return .unauthorizedField(principal, "status") }
            if !change.notes.isEmpty { return .unauthorizedField(principal, "notes") }
            if !change.confirmations.isEmpty { return .unauthorizedField(principal, "confirmations") }
            return nil
        case .intake:
            if change.kind == .create {
                if let field = change.fields.keys.sorted().first(where: { !ReportField.creation.contains($0) }) {
                    return .unauthorizedField(principal, field.rawValue)
                }
                if change.fields[.pillar]?.value.stringValue != Pillar.citizensOnline.rawValue {
                    return .unauthorizedField(principal, "pillar")
                }
                return change.notes.isEmpty ? nil : .unauthorizedField(principal, "notes")
            }
            if let field = change.fields.keys.sorted().first { return .unauthorizedField(principal, field.rawValue) }
            if change.status != nil { return .unauthorizedField(principal, "status") }
            if !change.notes.isEmpty { return .unauthorizedField(principal, "notes") }
            if change.tombstone != nil { return .unauthorizedField(principal, "tombstone") }
            return nil
        }
    }

    /// A restore re-sends the sender's own earlier writes: every stamp must be the sender's (tenancy is checked
    /// before, as for any change).
    static func checkRestore(_ change: Change, by principal: Principal) -> QuarantineReason? {
        switch principal.role {
        case .admin:
            return nil
        case .intake:
            return .unauthorizedField(principal, "restore")
        case .node, .national:
            if let field = change.fields.first(where: { $0.value.stamp.site != principal.site })?.key {
                return .unauthorizedField(principal, "\(field.rawValue) (not written by \(principal.site))")
            }
            if let status = change.status, status.stamp.site != principal.site {
                return .unauthorizedField(principal, "status (not written by \(principal.site))")
            }
            if !change.confirmations.isEmpty || change.tombstone != nil {
                return .unauthorizedField(principal, "confirmations/tombstone")
            }
            return nil
        }
    }

    /// A creation arriving again (a replayed batch, or a pull of what this replica already has) carries the
    /// same creation stamp as the report it finds.
    static func isReplayOfCreation(_ change: Change, _ current: ReportState) -> Bool {
        guard let stamp = change.fields[.createdAt]?.stamp else { return false }
        return current.fields[.createdAt]?.stamp == stamp
    }
}
