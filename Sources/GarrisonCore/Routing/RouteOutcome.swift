/// A county as the routing layer knows it: its TERYT code, name and voivodeship.
public struct CountyInfo: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The 4-digit TERYT code, e.g. `"1418"`.
    public let teryt: CountyCode
    /// The county's name as given by the boundary data, e.g. `"piaseczyński"`.
    public let name: String
    /// The two-digit voivodeship TERYT code, e.g. `"14"`.
    public let voivodeship: String

    public init(teryt: CountyCode, name: String, voivodeship: String) {
        self.teryt = teryt
        self.name = name
        self.voivodeship = voivodeship
    }

    public var description: String { "\(teryt) \(name)" }
}

/// Where a report goes: the county, the garrison responsible for it and the county's local police unit.
public struct Route: Sendable, Equatable, Codable {
    /// How the county was found.
    public enum Match: String, Sendable, Equatable, Codable {
        /// The point lies inside exactly one county polygon.
        case inside
        /// The point lies in no polygon but within the tolerance of one (the layers are simplified, so points close
        /// to the border or coast can fall in the gaps); `distanceMeters` says how far it was.
        case nearest
        /// The point lies inside more than one county polygon (overlaps between simplified boundaries); the county
        /// in which it lies deepest was chosen and the others are in `alternatives`.
        case ambiguous
        /// Routed by a TERYT code alone, with no point.
        case code
    }

    /// The county the report belongs to.
    public let county: CountyCode
    /// The county's name when the boundary data is loaded; `nil` when routed by code without data.
    public let countyName: String?
    /// The garrison responsible for the county.
    public let garrison: GarrisonCode
    /// The garrison's name, e.g. `"Komenda Stołeczna Policji"`.
    public let garrisonName: String
    /// The county's local unit (KMP, KPP or KRP).
    public let unit: LocalUnit
    /// How the county was found.
    public let match: Match
    /// For `.nearest`: the distance in metres from the point to the county's boundary; otherwise `nil`.
    public let distanceMeters: Double?
    /// For `.ambiguous`: the other counties whose polygons also contain the point, by code; otherwise empty.
    public let alternatives: [CountyCode]

    public init(
        county: CountyCode, countyName: String?, garrison: GarrisonCode, garrisonName: String, unit: LocalUnit,
        match: Match, distanceMeters: Double? = nil, alternatives: [CountyCode] = []
    ) {
        self.county = county
        self.countyName = countyName
        self.garrison = garrison
        self.garrisonName = garrisonName
        self.unit = unit
        self.match = match
        self.distanceMeters = distanceMeters
        self.alternatives = alternatives
    }

    /// The route of a county under a registry, or `nil` when no garrison of the registry covers it.
    init?(county: CountyCode, countyName: String?, registry: GarrisonRegistry, match: Match) {
        guard let garrison = registry.garrison(covering: county) else { return nil }
        self.init(
            county: county, countyName: countyName, garrison: garrison.code, garrisonName: garrison.name,
            unit: registry.unit(for: county), match: match)
    }

    /// The same route with another match kind and its details.
    func with(match: Match, distanceMeters: Double? = nil, alternatives: [CountyCode] = []) -> Route {
        Route(
            county: county, countyName: countyName, garrison: garrison, garrisonName: garrisonName, unit: unit,
            match: match, distanceMeters: distanceMeters, alternatives: alternatives)
    }
}

/// The answer of the router for a point or a code.
public enum RouteOutcome: Sendable, Equatable {
    /// The report goes to this county, garrison and unit.
    case routed(Route)
    /// The point lies in no county and farther than the tolerance from all of them.
    case outsidePoland
    /// The code is a well-formed TERYT code but names no county of the loaded data (or no garrison covers it).
    case unknownCounty(CountyCode)

    /// The route, when there is one.
    public var route: Route? {
        if case .routed(let route) = self { return route }
        return nil
    }
}
