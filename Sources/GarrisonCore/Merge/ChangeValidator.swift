/// The one validation of a change, run at every edge that receives one (DESIGN §3, §6): the hub for a node's push,
/// the citizens' intake and the admin API; a node for its units' writes and for what it pulls from the hub.
///
/// Three layers, each a function of the change and what the receiver knows:
/// - **shape** (every edge, the replica's pull included): ids in their one format, a known garrison, stamps and
///   dates no further ahead of the receiver's clock than the allowed skew, epochs and counts in range, texts
///   limited in scalars and bytes with control characters refused, counties from the TERYT register;
/// - **provenance** (a change from a certificate): the change's origin and every stamp it carries name the sender's
///   site, and no certificate speaks as the hub;
/// - **semantics** (a write, not a replica's copy): what a creation needs, the status flow and epochs, a unit and a
///   county of the report's garrison, a point inside its county where boundaries are configured.
/// Authority (who owns which field) is `Authority`, checked before.
public struct ChangeValidator: Sendable {
    /// The longest description accepted (DOMAIN: citizens' reports, up to 500 characters).
    public static let maxDescriptionLength = TextRule.description.maxScalars
    /// The longest handover body name accepted.
    public static let maxHandoverLength = TextRule.name.maxScalars
    /// The most reports one report may list as its duplicates (`duplicated_by`).
    public static let maxDuplicates = 1_000
    /// The most notes or confirmations one change may add.
    public static let maxItemsPerChange = 100
    /// The highest status epoch (a reopen adds one; nobody reopens a report ten thousand times).
    public static let maxEpoch = StatusRegister.maxEpoch
    /// Times and stamps beyond this are refused whatever the receiver's clock says (2100-01-01).
    public static let latestMillis: Int64 = 4_102_444_800_000
    /// The skew allowed by default between a writer's clock and the receiver's (five minutes).
    public static let defaultMaxClockSkewMillis: Int64 = 5 * 60 * 1000

    public let registry: GarrisonRegistry
    /// Category catalogues by version.
    public let catalogues: [Int: CategoryCatalogue]
    /// The counties that exist.
    public let counties: CountyRegister
    /// County boundaries, when configured: a report's point must lie in its county.
    public let boundaries: CountyRouter?
    /// How far ahead of the receiver's clock a stamp or a time may be.
    public let maxClockSkewMillis: Int64
    /// Sites no certificate may speak as: the hub's own and its intake's.
    public let reservedSites: Set<SiteID>

    public init(
        registry: GarrisonRegistry = .standard, catalogues: [CategoryCatalogue] = [.standard],
        counties: CountyRegister = .standard, boundaries: CountyRouter? = nil,
        maxClockSkewMillis: Int64 = ChangeValidator.defaultMaxClockSkewMillis, reservedSites: Set<SiteID> = ["hub", "intake"]
    ) {
        self.registry = registry
        self.catalogues = Dictionary(catalogues.map { ($0.version, $0) }, uniquingKeysWith: { $1 })
        self.counties = counties
        self.boundaries = boundaries
        self.maxClockSkewMillis = max(0, maxClockSkewMillis)
        self.reservedSites = reservedSites
    }

    /// The same validator knowing `catalogues` (a new catalogue version was published or adopted).
    public func with(catalogues: [CategoryCatalogue]) -> ChangeValidator {
        ChangeValidator(
            registry: registry, catalogues: catalogues, counties: counties, boundaries: boundaries,
            maxClockSkewMillis: maxClockSkewMillis, reservedSites: reservedSites)
    }

    /// The same validator checking every report's point against these county boundaries.
    public func with(boundaries: CountyRouter?) -> ChangeValidator {
        ChangeValidator(
            registry: registry, catalogues: Array(catalogues.values), counties: counties, boundaries: boundaries,
            maxClockSkewMillis: maxClockSkewMillis, reservedSites: reservedSites)
    }

    /// Throws the first problem found in a write: its shape, its provenance when `sender` (the certificate's
    /// principal) is given, and its semantics given the receiver's current state of the report. `nowMillis` is
    /// the receiver's clock; without it only the absolute bounds apply.
    public func validate(
        _ change: Change, current: ReportState?, from sender: Principal? = nil, nowMillis: Int64? = nil
    ) throws(ValidationError) {
        try validateShape(change, nowMillis: nowMillis, strict: true)
        if let sender { try validateProvenance(change, sender: sender) }
        try validateSemantics(change, current: current, sender: sender)
    }

    /// What a replica checks of a change it pulls (DESIGN §6: a node does not trust the hub blindly either): the
    /// shape only. Authority and flow were the hub's to decide, and a category version this replica has not
    /// adopted yet is not a reason to refuse.
    public func validateReplica(_ change: Change, nowMillis: Int64) throws(ValidationError) {
        try validateShape(change, nowMillis: nowMillis, strict: false)
    }

    // MARK: shape

    private func validateShape(_ change: Change, nowMillis: Int64?, strict: Bool) throws(ValidationError) {
        try WireID.checkUUIDv7(change.reportID, field: "report_id")
        guard registry.contains(change.garrison) else {
            throw ValidationError(
                code: .unknownGarrison, message: "no garrison has code \"\(change.garrison.rawValue.prefix(16))\"",
                field: "garrison")
        }
        try checkSite(change.origin, field: "origin")
        guard !change.isEmpty else {
            throw ValidationError(code: .emptyChange, message: "the change writes nothing")
        }
        let bounds = TimeBounds(nowMillis: nowMillis, skewMillis: maxClockSkewMillis)
        for (field, register) in change.fields.sorted(by: { $0.key < $1.key }) {
            try bounds.check(register, field: field.rawValue, validator: self)
            try FieldRules.validate(field, register.value, validator: self, change: change, bounds: bounds, strict: strict)
        }
        if let status = change.status {
            try bounds.check(status.stamp, field: "status", validator: self)
            if let base = status.base { try bounds.check(base, field: "status", validator: self) }
            guard (0...Self.maxEpoch).contains(status.epoch) else {
                throw ValidationError(
                    code: .invalidEpoch, message: "a status epoch is 0…\(Self.maxEpoch) (got \(status.epoch))", field: "status")
            }
        }
        if let tombstone = change.tombstone { try bounds.check(tombstone, field: "tombstone", validator: self) }
        guard change.notes.count <= Self.maxItemsPerChange, change.confirmations.count <= Self.maxItemsPerChange else {
            throw ValidationError(
                code: .tooManyItems, message: "a change adds at most \(Self.maxItemsPerChange) notes and confirmations",
                field: change.notes.count > Self.maxItemsPerChange ? "notes" : "confirmations")
        }
        for note in change.notes {
            try WireID.checkUUIDv7(note.id, field: "notes.id")
            try TextRule.name.check(note.author, field: "notes.author")
            do {
                try TextRule.note.check(note.text, field: "notes.text")
            } catch where error.code != .invalidText {
                // The stable code notes had before texts were checked by scalars and bytes.
                throw ValidationError(code: .invalidNote, message: error.message, field: error.field)
            }
            try bounds.checkTime(note.atMillis, field: "notes.at")
        }
        for confirmation in change.confirmations {
            try WireID.checkUUIDv7(confirmation.id, field: "confirmations.id")
            try bounds.checkTime(confirmation.atMillis, field: "confirmations.at")
        }
    }

    func checkSite(_ site: SiteID, field: String) throws(ValidationError) {
        guard WireID.isSite(site) else {
            throw ValidationError(code: .invalidSite, message: "a site id is 1–64 of [A-Za-z0-9._-]", field: field)
        }
    }

    // MARK: provenance

    /// A node, the national node or the intake writes only as itself: the change's origin and every stamp's site
    /// are the sender's, and no certificate names a site reserved to the hub. An administrator's writes are made
    /// by the hub for it, with the hub's clock.
    private func validateProvenance(_ change: Change, sender: Principal) throws(ValidationError) {
        guard sender.role != .admin else { return }
        if sender.role != .intake, reservedSites.contains(sender.site) {
            throw ValidationError(
                code: .reservedSite, message: "site \(sender.site) is the hub's own; no certificate may write as it",
                field: "origin")
        }
        func foreign(_ field: String, _ site: SiteID) -> ValidationError {
            ValidationError(
                code: .foreignSite,
                message: "\(field) names site \(site.rawValue.prefix(64)) but the sender is \(sender.site)", field: field)
        }
        guard change.origin == sender.site else { throw foreign("origin", change.origin) }
        for (field, register) in change.fields.sorted(by: { $0.key < $1.key }) where register.stamp.site != sender.site {
            throw foreign(field.rawValue, register.stamp.site)
        }
        if let status = change.status, status.stamp.site != sender.site { throw foreign("status", status.stamp.site) }
        if let tombstone = change.tombstone, tombstone.site != sender.site { throw foreign("tombstone", tombstone.site) }
    }

    // MARK: semantics

    private func validateSemantics(_ change: Change, current: ReportState?, sender: Principal?) throws(ValidationError) {
        if change.kind == .create { try validateCreation(change) }
        if let status = change.status { try validateStatus(status, current: current?.status, kind: change.kind) }
        let garrison = change.fields[.garrison]?.value.stringValue.map(GarrisonCode.init(rawValue:))
            ?? current?.garrison ?? change.garrison
        if let unit = change.fields[.unit]?.value.stringValue { try checkUnit(unit, of: garrison) }
        if sender?.role == .node, let county = change.fields[.county]?.value.stringValue.flatMap({ try? CountyCode(validating: $0) }) {
            try checkCovered(county, by: change.garrison)
        }
        if let boundaries, change.fields[.county] != nil || change.fields[.location] != nil {
            let county = (change.fields[.county] ?? current?.fields[.county])?.value.stringValue
                .flatMap { try? CountyCode(validating: $0) }
            let location = (change.fields[.location] ?? current?.fields[.location]).flatMap { Coordinate($0.value) }
            if let county, let location { try Self.checkPoint(location, in: county, boundaries: boundaries) }
        }
    }

    /// The point lies in the county by the configured boundaries.
    static func checkPoint(_ point: Coordinate, in county: CountyCode, boundaries: CountyRouter) throws(ValidationError) {
        switch boundaries.route(point) {
        case .routed(let route) where route.county == county:
            return
        case .routed(let route):
            throw ValidationError(
                code: .locationOutsideCounty,
                message: "the point (\(point.latitude), \(point.longitude)) lies in county \(route.county), not in \(county)",
                field: "location")
        default:
            throw ValidationError(
                code: .outsidePoland,
                message: "the point (\(point.latitude), \(point.longitude)) lies in no Polish county", field: "location")
        }
    }

    private func checkCovered(_ county: CountyCode, by garrison: GarrisonCode) throws(ValidationError) {
        if let responsible = registry.garrison(covering: county), responsible.code != garrison {
            throw ValidationError(
                code: .wrongGarrison,
                message: "county \(county) belongs to garrison \(responsible.code) (\(responsible.name)), not \(garrison)",
                field: "county")
        }
    }

    /// A unit is the police unit of a county of the report's garrison.
    private func checkUnit(_ unit: String, of garrison: GarrisonCode) throws(ValidationError) {
        guard let county = LocalUnit.county(ofUnitID: unit), registry.garrison(covering: county)?.code == garrison else {
            throw ValidationError(
                code: .unitOfOtherGarrison, message: "unit \(unit.prefix(16)) is not a unit of garrison \(garrison)",
                field: "unit")
        }
    }

    private func validateCreation(_ change: Change) throws(ValidationError) {
        let required: [ReportField] = [.garrison, .county, .category, .categoryVersion, .description, .pillar, .createdAt]
        if let missing = required.first(where: { change.fields[$0] == nil }) {
            throw ValidationError(
                code: .missingField, message: "a new report needs \"\(missing.rawValue)\"", field: missing.rawValue)
        }
        guard change.fields[.garrison]?.value.stringValue == change.garrison.rawValue else {
            throw ValidationError(
                code: .garrisonMismatch, message: "the report's garrison field differs from the change's garrison",
                field: "garrison")
        }
        if let teryt = change.fields[.county]?.value.stringValue, let county = try? CountyCode(validating: teryt) {
            try checkCovered(county, by: change.garrison)
        }
        if let category = change.fields[.category]?.value.intValue {
            try catalogue(change.fields[.categoryVersion]?.value.intValue).validateForNewReport(Int(clamping: category))
        }
        guard let status = change.status, status.status == .nowe, status.epoch == 0 else {
            throw ValidationError(
                code: .invalidTransition, message: "a new report starts as \"Nowe\" in epoch 0", field: "status")
        }
    }

    /// The status flow (DOMAIN): a write made on top of the current status (its base is the current stamp) is one
    /// allowed step or a reopen into the next epoch. A write on a stale base (someone else wrote meanwhile) is
    /// left to the register, within bounds: it names a base no later than the current stamp, moves at most one
    /// epoch on, a reopen goes back to "Weryfikacja", and nothing goes back to "Nowe".
    private func validateStatus(_ write: StatusRegister, current: StatusRegister?, kind: Change.Kind)
        throws(ValidationError)
    {
        guard kind != .create, let current else { return }
        func refuse(_ message: String) -> ValidationError {
            ValidationError(code: .invalidTransition, message: message, field: "status")
        }
        let nextEpoch = current.epoch < Self.maxEpoch ? current.epoch + 1 : Self.maxEpoch
        guard write.epoch <= nextEpoch else {
            throw refuse("epoch \(write.epoch) does not follow epoch \(current.epoch)")
        }
        if kind == .update, write.base == current.stamp {
            if write.epoch == nextEpoch, nextEpoch > current.epoch {
                try ReportStatus.validateTransition(from: current.status, to: write.status, reopen: true)
            } else if write.epoch == current.epoch {
                try ReportStatus.validateTransition(from: current.status, to: write.status, reopen: false)
            } else {
                throw refuse("epoch \(write.epoch) does not follow epoch \(current.epoch)")
            }
            return
        }
        // A restore re-sends this site's own earlier status as it was; it merges like any concurrent write.
        guard kind == .update else { return }
        guard let base = write.base else {
            throw refuse("a status move names the status it replaces (its base)")
        }
        guard base <= current.stamp else {
            throw refuse("the status move's base \(base) is later than the current status \(current.stamp)")
        }
        guard write.status != .nowe else { throw refuse("no move goes back to \"Nowe\"") }
        if write.epoch > current.epoch, write.status != .weryfikacja {
            throw refuse("a reopen goes back to \"Weryfikacja\" (\"\(write.status.rawValue)\" was asked)")
        }
    }

    /// The catalogue of a version, or a precise error.
    func catalogue(_ version: Int64?) throws(ValidationError) -> CategoryCatalogue {
        guard let version, let catalogue = catalogues[Int(clamping: version)] else {
            throw ValidationError(
                code: .unknownCatalogueVersion,
                message: "category catalogue version \(version.map(String.init) ?? "(none)") is not known here",
                field: "category_version")
        }
        return catalogue
    }
}

/// The receiver's bounds on stamps and times: none ahead of its clock by more than the skew, none before 1970 or
/// after 2100.
struct TimeBounds {
    let latest: Int64
    let nowMillis: Int64?
    let skewMillis: Int64

    init(nowMillis: Int64?, skewMillis: Int64) {
        self.nowMillis = nowMillis
        self.skewMillis = skewMillis
        let ahead = nowMillis.map { $0.addingReportingOverflow(skewMillis).overflow ? Int64.max : $0 + skewMillis }
        self.latest = min(ahead ?? ChangeValidator.latestMillis, ChangeValidator.latestMillis)
    }

    func check(_ register: Register, field: String, validator: ChangeValidator) throws(ValidationError) {
        try check(register.stamp, field: field, validator: validator)
        if let base = register.base { try check(base, field: field, validator: validator) }
    }

    /// A stamp: a valid site, and a wall time the receiver's clock allows.
    func check(_ stamp: HLC, field: String, validator: ChangeValidator) throws(ValidationError) {
        try validator.checkSite(stamp.site, field: field)
        guard stamp.wallMillis >= 0 else {
            throw ValidationError(code: .invalidStamp, message: "a stamp's time is never before 1970", field: field)
        }
        guard stamp.wallMillis <= latest else { throw future(stamp.wallMillis, "stamp \(stamp)", field: field) }
    }

    /// A time a field or an item holds: after 1970, not ahead of the receiver's clock beyond the skew.
    func checkTime(_ millis: Int64, field: String) throws(ValidationError) {
        guard millis > 0 else {
            throw ValidationError(code: .invalidTime, message: "a time is milliseconds since 1970", field: field)
        }
        guard millis <= latest else { throw future(millis, "time \(millis)", field: field) }
    }

    private func future(_ millis: Int64, _ what: String, field: String) -> ValidationError {
        guard let nowMillis else {
            return ValidationError(code: .stampInFuture, message: "\(what) lies after 2100", field: field)
        }
        let ahead = millis / 1000 - nowMillis / 1000
        return ValidationError(
            code: .stampInFuture,
            message: "\(what) is \(ahead) s ahead of the receiver's clock (at most \(skewMillis / 1000) s are allowed): "
                + "the writer's clock runs ahead", field: field)
    }
}
