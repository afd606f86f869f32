import Foundation

/// The 17 garrisons and which counties each covers: the answer to "which garrison is responsible here".
///
/// A county belongs to the garrison that lists it explicitly (KSP's ten counties) or else to the garrison of its
/// voivodeship. The registry is data (`GarrisonRegistry.seedJSON`), not constants spread through code, so the hub
/// can load the same rows into its tables.
public struct GarrisonRegistry: Sendable {
    /// All garrisons, ordered by code.
    public let garrisons: [Garrison]
    private let byCode: [GarrisonCode: Garrison]
    private let explicitCounties: [CountyCode: GarrisonCode]
    private let byVoivodeship: [String: GarrisonCode]

    /// Builds a registry; throws when two garrisons claim the same county or voivodeship.
    public init(garrisons: [Garrison]) throws(ValidationError) {
        var byCode: [GarrisonCode: Garrison] = [:]
        var explicit: [CountyCode: GarrisonCode] = [:]
        var byVoivodeship: [String: GarrisonCode] = [:]
        for garrison in garrisons {
            guard byCode.updateValue(garrison, forKey: garrison.code) == nil else {
                throw .invalidRegistry("garrison \(garrison.code) is listed twice")
            }
            for county in garrison.counties {
                guard explicit.updateValue(garrison.code, forKey: county) == nil else {
                    throw .invalidRegistry("county \(county) is claimed by two garrisons")
                }
            }
            if let voivodeship = garrison.voivodeship {
                guard byVoivodeship.updateValue(garrison.code, forKey: voivodeship) == nil else {
                    throw .invalidRegistry("voivodeship \(voivodeship) is claimed by two garrisons")
                }
            }
        }
        self.garrisons = garrisons.sorted { $0.code < $1.code }
        self.byCode = byCode
        self.explicitCounties = explicit
        self.byVoivodeship = byVoivodeship
    }

    /// The registry of the 17 real garrisons, decoded from the bundled seed data.
    public static let standard: GarrisonRegistry = {
        do {
            let garrisons = try JSONDecoder().decode([Garrison].self, from: Data(seedJSON.utf8))
            return try GarrisonRegistry(garrisons: garrisons)
        } catch {
            preconditionFailure("the bundled garrison seed data is invalid: \(error)")
        }
    }()

    /// The garrison with this code, if any.
    public func garrison(_ code: GarrisonCode) -> Garrison? { byCode[code] }

    /// Whether the code names one of the garrisons.
    public func contains(_ code: GarrisonCode) -> Bool { byCode[code] != nil }

    /// The garrison responsible for a county.
    public func garrison(covering county: CountyCode) -> Garrison? {
        if let code = explicitCounties[county] { return byCode[code] }
        return byVoivodeship[county.voivodeship].flatMap { byCode[$0] }
    }

    /// The local police unit of a county (one per county: KMP for a city, KPP otherwise, KRP for Warsaw).
    public func unit(for county: CountyCode) -> LocalUnit { LocalUnit(county: county) }
}
