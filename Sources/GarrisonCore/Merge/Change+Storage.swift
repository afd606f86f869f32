/// What a store keeps of a refused change (DESIGN §3: quarantined with its reason, inspectable by an
/// administrator). A refused change may hold what no store takes, NUL above all (PostgreSQL's text and jsonb refuse
/// it), so the kept copy has every U+0000 replaced by U+FFFD; everything else is kept as it came.
extension Change {
    /// This change with U+0000 replaced in every string it holds.
    public var scrubbedForStorage: Change {
        func scrub(_ value: FieldValue) -> FieldValue {
            switch value {
            case .string(let text): .string(text.scrubbedForStorage)
            case .array(let values): .array(values.map(scrub))
            case .object(let object):
                .object(Dictionary(object.map { ($0.key.scrubbedForStorage, scrub($0.value)) }, uniquingKeysWith: { first, _ in first }))
            default: value
            }
        }
        func scrub(_ stamp: HLC) -> HLC {
            HLC(wallMillis: stamp.wallMillis, counter: stamp.counter, site: SiteID(rawValue: stamp.site.rawValue.scrubbedForStorage))
        }
        var copy = self
        copy.reportID = reportID.scrubbedForStorage
        copy.garrison = GarrisonCode(rawValue: garrison.rawValue.scrubbedForStorage)
        copy.origin = SiteID(rawValue: origin.rawValue.scrubbedForStorage)
        copy.fields = fields.mapValues { Register(value: scrub($0.value), stamp: scrub($0.stamp), base: $0.base.map(scrub)) }
        copy.status = status.map { StatusRegister(status: $0.status, epoch: $0.epoch, stamp: scrub($0.stamp), base: $0.base.map(scrub)) }
        copy.notes = notes.map {
            Note(id: $0.id.scrubbedForStorage, author: $0.author.scrubbedForStorage, text: $0.text.scrubbedForStorage, atMillis: $0.atMillis)
        }
        copy.confirmations = confirmations.map { Confirmation(id: $0.id.scrubbedForStorage, atMillis: $0.atMillis) }
        copy.tombstone = tombstone.map(scrub)
        return copy
    }
}

extension String {
    /// The text with every U+0000 replaced by U+FFFD (the replacement character), so any store takes it.
    public var scrubbedForStorage: String {
        guard utf8.contains(0) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }))
    }
}
