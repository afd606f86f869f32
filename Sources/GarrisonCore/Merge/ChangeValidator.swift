/// Validates a change's content (DESIGN §3, DOMAIN rules): well-formed values, a known category, a valid TERYT,
/// a point inside Poland, a description within 500 characters, an allowed status move. Authority is separate.
public struct ChangeValidator: Sendable {
    /// The longest description accepted (DOMAIN: citizens' reports, up to 500 characters).
    public static let maxDescriptionLength = 500
    /// The longest handover body name accepted.
    public static let maxHandoverLength = 200
    /// The most reports one report may list as its duplicates (`duplicated_by`).
    public static let maxDuplicates = 1_000

    public let registry: GarrisonRegistry
    /// Category catalogues by version.
    public let catalogues: [Int: CategoryCatalogue]

    public init(registry: GarrisonRegistry = .standard, catalogues: [CategoryCatalogue] = [.standard]) {
        self.registry = registry
        self.catalogues = Dictionary(catalogues.map { ($0.version, $0) }, uniquingKeysWith: { $1 })
    }

    /// Throws the first problem found in `change` given the receiver's current state of the report.
    public func validate(_ change: Change, current: ReportState?) throws(ValidationError) {
        guard !change.reportID.isEmpty, change.reportID.count <= 64 else {
            throw ValidationError(code: "invalid_report_id", message: "a report id is 1–64 characters", field: "report_id")
        }
        guard registry.contains(change.garrison) else {
            throw ValidationError(
                code: "unknown_garrison", message: "no garrison has code \"\(change.garrison)\"", field: "garrison")
        }
        guard !change.isEmpty else {
            throw ValidationError(code: "empty_change", message: "the change writes nothing")
        }
        for (field, register) in change.fields.sorted(by: { $0.key < $1.key }) {
            try FieldRules.validate(field, register.value, validator: self, change: change, current: current)
        }
        if change.kind == .create { try validateCreation(change) }
        if let status = change.status { try validateStatus(status, current: current?.status, kind: change.kind) }
        for note in change.notes where note.text.isEmpty || note.text.count > Note.maxLength || note.id.isEmpty {
            throw ValidationError(
                code: "invalid_note", message: "a note needs an id and 1–\(Note.maxLength) characters of text",
                field: "notes")
        }
    }

    private func validateCreation(_ change: Change) throws(ValidationError) {
        let required: [ReportField] = [.garrison, .county, .category, .categoryVersion, .description, .pillar, .createdAt]
        if let missing = required.first(where: { change.fields[$0] == nil }) {
            throw ValidationError(
                code: "missing_field", message: "a new report needs \"\(missing.rawValue)\"", field: missing.rawValue)
        }
        guard change.fields[.garrison]?.value.stringValue == change.garrison.rawValue else {
            throw ValidationError(
                code: "garrison_mismatch", message: "the report's garrison field differs from the change's garrison",
                field: "garrison")
        }
        if let teryt = change.fields[.county]?.value.stringValue, let county = try? CountyCode(validating: teryt),
            let responsible = registry.garrison(covering: county), responsible.code != change.garrison
        {
            throw ValidationError(
                code: "wrong_garrison",
                message: "county \(county) belongs to garrison \(responsible.code) (\(responsible.name)), "
                    + "not \(change.garrison)", field: "county")
        }
        guard let status = change.status, status.status == .nowe, status.epoch == 0 else {
            throw ValidationError(
                code: "invalid_transition", message: "a new report starts as \"Nowe\" in epoch 0", field: "status")
        }
    }

    /// A status write made on top of the current status (its base is the current stamp) must be one allowed
    /// step or a reopen into the next epoch. Writes concurrent with the current one are left to the register.
    private func validateStatus(_ write: StatusRegister, current: StatusRegister?, kind: Change.Kind)
        throws(ValidationError)
    {
        guard write.epoch >= 0 else {
            throw ValidationError(code: "invalid_transition", message: "a status epoch is never negative", field: "status")
        }
        guard kind == .update, let current, write.base == current.stamp else { return }
        if write.epoch == current.epoch + 1 {
            try ReportStatus.validateTransition(from: current.status, to: write.status, reopen: true)
        } else if write.epoch == current.epoch {
            try ReportStatus.validateTransition(from: current.status, to: write.status, reopen: false)
        } else {
            throw ValidationError(
                code: "invalid_transition",
                message: "epoch \(write.epoch) does not follow epoch \(current.epoch)", field: "status")
        }
    }

    /// The catalogue of a version, or a precise error.
    func catalogue(_ version: Int64?) throws(ValidationError) -> CategoryCatalogue {
        guard let version, let catalogue = catalogues[Int(version)] else {
            throw ValidationError(
                code: "unknown_catalogue_version",
                message: "category catalogue version \(version.map(String.init) ?? "(none)") is not known here",
                field: "category_version")
        }
        return catalogue
    }
}
