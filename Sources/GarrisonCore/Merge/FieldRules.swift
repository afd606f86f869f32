import Foundation

/// The shape and range each plain field's value must have.
enum FieldRules {
    static func validate(
        _ field: ReportField, _ value: FieldValue, validator: ChangeValidator, change: Change, current: ReportState?
    ) throws(ValidationError) {
        func fail(_ message: String, code: String = "invalid_field") -> ValidationError {
            ValidationError(code: code, message: message, field: field.rawValue)
        }
        switch field {
        case .county:
            guard let text = value.stringValue else { throw fail("a county is a 4-digit TERYT string", code: "invalid_teryt") }
            _ = try CountyCode(validating: text)
        case .location:
            guard case .object(let object) = value, let lat = object["lat"]?.doubleValue,
                let lon = object["lon"]?.doubleValue
            else { throw fail("a location is {\"lat\": …, \"lon\": …}", code: "invalid_coordinates") }
            _ = try Coordinate(validatingLatitude: lat, longitude: lon)
        case .description:
            guard let text = value.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw fail("a description is non-empty text", code: "invalid_description")
            }
            guard text.count <= ChangeValidator.maxDescriptionLength else {
                throw fail(
                    "a description has at most \(ChangeValidator.maxDescriptionLength) characters (got \(text.count))",
                    code: "description_too_long")
            }
        case .pillar:
            guard let text = value.stringValue, Pillar(rawValue: text) != nil else {
                throw fail("a pillar is one of \(Pillar.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case .createdAt, .readAt, .verifiedAt:
            guard let millis = value.intValue, millis > 0 else { throw fail("a time is milliseconds since 1970") }
        case .eventAt:
            guard value.isNull || (value.intValue ?? 0) > 0 else { throw fail("a time is milliseconds since 1970 or null") }
        case .timeOfDay:
            guard value.isNull || value.stringValue.flatMap(TimeOfDay.init(rawValue:)) != nil else {
                throw fail("time of day is one of \(TimeOfDay.allCases.map(\.rawValue).joined(separator: ", ")) or null")
            }
        case .daysOfWeek:
            guard case .array(let days) = value,
                days.allSatisfy({ ($0.intValue).map { (1...7).contains($0) } ?? false })
            else { throw fail("days of week are an array of 1 (Monday) … 7 (Sunday)") }
        case .categoryVersion:
            _ = try validator.catalogue(value.intValue)
        case .category:
            guard let id = value.intValue else { throw fail("a category is its number", code: "unknown_category") }
            let version = (change.fields[.categoryVersion] ?? current?.fields[.categoryVersion])?.value.intValue
            let catalogue = try validator.catalogue(version)
            if change.kind == .create {
                try catalogue.validateForNewReport(Int(id))
            } else if catalogue.category(Int(id)) == nil {
                throw fail("category \(id) is not in catalogue version \(catalogue.version)", code: "unknown_category")
            }
        case .garrison:
            guard let code = value.stringValue, validator.registry.contains(GarrisonCode(rawValue: code)) else {
                throw fail("no garrison has code \(value.canonical)", code: "unknown_garrison")
            }
        case .unit:
            guard let text = value.stringValue, text.count == 8, let dash = text.firstIndex(of: "-"),
                LocalUnit.Kind(rawValue: String(text[..<dash])) != nil,
                (try? CountyCode(validating: String(text[text.index(after: dash)...]))) != nil
            else { throw fail("a unit is written like \"KPP-1418\"", code: "invalid_unit") }
        case .card:
            _ = try VerificationCard(value)
        case .handover:
            guard value.isNull
                || (value.stringValue.map { !$0.isEmpty && $0.count <= ChangeValidator.maxHandoverLength } ?? false)
            else { throw fail("the body a report is handed over to is 1–\(ChangeValidator.maxHandoverLength) characters") }
        case .hidden:
            guard value.boolValue != nil else { throw fail("hidden is true or false") }
        case .duplicateOf:
            guard value.isNull || (value.stringValue.map { !$0.isEmpty && $0 != change.reportID } ?? false) else {
                throw fail("duplicate_of names another report's id, or null")
            }
        case .duplicatedBy:
            guard case .array(let ids) = value, ids.count <= ChangeValidator.maxDuplicates,
                ids.allSatisfy({ $0.stringValue.map { !$0.isEmpty && $0 != change.reportID } ?? false })
            else { throw fail("duplicated_by lists at most \(ChangeValidator.maxDuplicates) other reports' ids") }
        }
    }
}
