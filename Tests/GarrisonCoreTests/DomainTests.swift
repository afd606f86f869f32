import GarrisonCore
import Testing

@Suite("Domain: garrisons, counties, units, categories")
struct DomainTests {
    let registry = GarrisonRegistry.standard

    @Test("17 garrisons: 16 KWP by voivodeship and KSP")
    func seventeenGarrisons() {
        #expect(registry.garrisons.count == 17)
        #expect(Set(registry.garrisons.map(\.code.rawValue)) == Set(CountyCode.voivodeshipCodes + ["KSP"]))
        #expect(registry.garrison("20")?.name == "KWP Białystok")
        #expect(registry.garrison("14")?.seat == "Radom")
        #expect(registry.garrison(.ksp)?.name == "Komenda Stołeczna Policji")
        #expect(registry.garrisons.filter { $0.wave == 1 }.map(\.code) == ["20", "22", "KSP"])
    }

    @Test("KSP covers Warsaw and nine counties; the rest of mazowieckie is Radom's", arguments: [
        ("1465", "KSP"), ("1418", "KSP"), ("1405", "KSP"), ("1434", "KSP"), ("1432", "KSP"),
        ("1463", "14"), ("1425", "14"), ("1401", "14"), ("2061", "20"), ("0201", "02"), ("3262", "32"),
    ])
    func countyToGarrison(county: String, garrison: String) {
        #expect(registry.garrison(covering: CountyCode(county))?.code.rawValue == garrison)
    }

    @Test("units: KMP for a city county, KPP for a land county, KRP for Warsaw")
    func units() {
        #expect(LocalUnit(county: CountyCode("1463")).id == "KMP-1463")
        #expect(LocalUnit(county: CountyCode("1418")).id == "KPP-1418")
        #expect(LocalUnit(county: CountyCode("1465")).id == "KRP-1465")
    }

    @Test("TERYT validation names the problem", arguments: ["141", "14a8", "1500", "3400", "1400", "", "14189"])
    func invalidTeryt(code: String) {
        #expect(throws: ValidationError.self) { try CountyCode(validating: code) }
        do {
            _ = try CountyCode(validating: code)
        } catch {
            #expect(error.code == "invalid_teryt")
            #expect(error.message.contains("\"\(code)\""))
        }
    }

    @Test("a registry refuses two garrisons claiming one county")
    func registryConflict() throws {
        let a = Garrison(code: "A", name: "A", seat: "A", area: "", voivodeship: nil, counties: [CountyCode("1418")], wave: 1)
        let b = Garrison(code: "B", name: "B", seat: "B", area: "", voivodeship: nil, counties: [CountyCode("1418")], wave: 1)
        #expect(throws: ValidationError.self) { try GarrisonRegistry(garrisons: [a, b]) }
    }

    @Test("the catalogue: 24 categories, visibility as DOMAIN.md says")
    func catalogue() throws {
        let catalogue = CategoryCatalogue.standard
        #expect(catalogue.version == 1)
        #expect(catalogue.categories.count == 24)
        #expect(catalogue.category(16)?.name == "Przekraczanie dozwolonej prędkości")
        #expect(catalogue.category(6)?.visibility == .confirmed)
        #expect(catalogue.categories.filter { $0.visibility == .never }.map(\.id) == [18, 22])
        #expect(throws: ValidationError.self) { try catalogue.validateForNewReport(25) }
        let retired = try CategoryCatalogue(version: 2, categories: [Category(id: 5, name: "x", visibility: .always, active: false)])
        #expect(throws: ValidationError.self) { try retired.validateForNewReport(5) }
    }

    @Test("coordinates: inside Poland, or a precise error")
    func coordinates() throws {
        _ = try Coordinate(validatingLatitude: 52.08, longitude: 21.02)
        #expect(throws: ValidationError.self) { try Coordinate(validatingLatitude: 52.52, longitude: 13.40) }
        #expect(throws: ValidationError.self) { try Coordinate(validatingLatitude: .nan, longitude: 21) }
        #expect(throws: ValidationError.self) { try Coordinate(validatingLatitude: 95, longitude: 21) }
    }

    @Test("UUIDv7: version and variant bits, time-ordered")
    func uuid() {
        var random = SplitMix64(seed: 1)
        let first = UUIDv7.make(millis: 1_700_000_000_000, using: &random)
        let second = UUIDv7.make(millis: 1_700_000_000_001, using: &random)
        #expect(first.count == 36)
        #expect(Array(first)[14] == "7")
        #expect("89ab".contains(Array(first)[19]))
        #expect(first < second)
    }
}
