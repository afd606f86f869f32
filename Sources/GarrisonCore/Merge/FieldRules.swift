/// The shape and range each plain field's value must have (the shape layer of `ChangeValidator`).
enum FieldRules {
    /// Checks one field's value. `strict` is a write's check: the category and its catalogue version must be known
    /// here; a replica's copy only needs a well-formed number (its catalogue may come a minute later).
    static func validate(
        _ field: ReportField, _ value: FieldValue, validator: ChangeValidator, change: Change, bounds: TimeBounds,
        strict: Bool
    ) throws(ValidationError) {
        func fail(_ message: String, code: ProblemCode = .invalidField) -> ValidationError {
            ValidationError(code: code, message: message, field: field.rawValue)
        }
        switch field {
        case .county:
            guard let text = value.stringValue else { throw fail("a county is a 4-digit TERYT string", code: .invalidTeryt) }
            _ = try validator.counties.county(text, field: field.rawValue)
        case .location:
            guard case .object(let object) = value, object.count == 2, let point = Coordinate(value) else {
                throw fail("a location is {\"lat\": …, \"lon\": …}", code: .invalidCoordinates)
            }
            _ = try Coordinate(validatingLatitude: point.latitude, longitude: point.longitude)
        case .description:
            guard let text = value.stringValue else { throw fail("a description is text", code: .invalidDescription) }
            do {
                try TextRule.description.check(text, field: field.rawValue)
            } catch where error.code == .textTooLong {
                throw fail(error.message, code: .descriptionTooLong)
            } catch where error.code == .textTooShort {
                throw fail("a description is non-empty text", code: .invalidDescription)
            }
        case .pillar:
            guard let text = value.stringValue, Pillar(rawValue: text) != nil else {
                throw fail("a pillar is one of \(Pillar.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case .createdAt, .readAt, .verifiedAt:
            guard let millis = value.intValue else { throw fail("a time is milliseconds since 1970", code: .invalidTime) }
            try bounds.checkTime(millis, field: field.rawValue)
        case .eventAt:
            guard !value.isNull else { return }
            guard let millis = value.intValue else { throw fail("a time is milliseconds since 1970 or null", code: .invalidTime) }
            try bounds.checkTime(millis, field: field.rawValue)
        case .timeOfDay:
            guard value.isNull || value.stringValue.flatMap(TimeOfDay.init(rawValue:)) != nil else {
                throw fail("time of day is one of \(TimeOfDay.allCases.map(\.rawValue).joined(separator: ", ")) or null")
            }
        case .daysOfWeek:
            guard case .array(let days) = value, days.count <= 7,
                days.allSatisfy({ ($0.intValue).map { (1...7).contains($0) } ?? false })
            else { throw fail("days of week are an array of 1 (Monday) … 7 (Sunday)") }
        case .categoryVersion:
            guard let version = value.intValue, (1...Int64(CategoryCatalogue.maxVersion)).contains(version) else {
                throw fail("a catalogue version is 1…\(CategoryCatalogue.maxVersion)", code: .unknownCatalogueVersion)
            }
            if strict { _ = try validator.catalogue(version) }
        case .category:
            guard let id = value.intValue, (1...Int64(CategoryCatalogue.maxCategory)).contains(id) else {
                throw fail("a category is its number, 1…\(CategoryCatalogue.maxCategory)", code: .unknownCategory)
            }
            guard strict else { return }
            let version = change.fields[.categoryVersion]?.value.intValue ?? validator.catalogues.keys.max().map(Int64.init)
            let catalogue = try validator.catalogue(version)
            if catalogue.category(Int(id)) == nil {
                throw fail("category \(id) is not in catalogue version \(catalogue.version)", code: .unknownCategory)
            }
        case .garrison:
            guard let code = value.stringValue, validator.registry.contains(GarrisonCode(rawValue: code)) else {
                throw fail("no garrison has code \(value.canonical.prefix(16))", code: .unknownGarrison)
            }
        case .unit:
            guard let text = value.stringValue, let county = LocalUnit.county(ofUnitID: text),
                validator.counties.contains(county)
            else { throw fail("a unit is written like \"KPP-1418\", for a county that exists", code: .invalidUnit) }
        case .card:
            _ = try VerificationCard(value, bounds: bounds)
        case .handover:
            guard !value.isNull else { return }
            guard let text = value.stringValue else {
                throw fail("the body a report is handed over to is 1–\(ChangeValidator.maxHandoverLength) characters")
            }
            try TextRule.name.check(text, field: field.rawValue)
        case .hidden:
            guard value.boolValue != nil else { throw fail("hidden is true or false") }
        case .duplicateOf:
            guard !value.isNull else { return }
            guard let id = value.stringValue, id != change.reportID else {
                throw fail("duplicate_of names another report's id, or null")
            }
            try WireID.checkUUIDv7(id, field: field.rawValue)
        case .duplicatedBy:
            guard case .array(let ids) = value, ids.count <= ChangeValidator.maxDuplicates,
                ids.allSatisfy({ $0.stringValue.map { WireID.isUUIDv7($0) && $0 != change.reportID } ?? false })
            else { throw fail("duplicated_by lists at most \(ChangeValidator.maxDuplicates) other reports' ids") }
        }
    }
}
