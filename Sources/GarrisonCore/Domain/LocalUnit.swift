/// The city or county police HQ (KMP/KPP, KRP in Warsaw) that answers for one county.
public struct LocalUnit: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The kind of unit.
    public enum Kind: String, Codable, Sendable {
        /// Komenda Miejska Policji: a city with county rights.
        case kmp = "KMP"
        /// Komenda Powiatowa Policji: a land county.
        case kpp = "KPP"
        /// Komenda Rejonowa Policji: Warsaw's district HQs under KSP.
        case krp = "KRP"
    }

    /// The county the unit covers.
    public let county: CountyCode
    /// KMP, KPP or KRP.
    public let kind: Kind

    /// The unit of a county; Warsaw (1465) is served by KSP's district HQs (KRP).
    public init(county: CountyCode) {
        self.county = county
        if county.rawValue == "1465" {
            self.kind = .krp
        } else {
            self.kind = county.isCity ? .kmp : .kpp
        }
    }

    /// A stable identifier such as `"KPP-1418"`, used as the report's `unit` field.
    public var id: String { "\(kind.rawValue)-\(county.rawValue)" }

    public var description: String { id }

    /// The county of a unit id such as `"KPP-1418"`: nil unless the id is exactly the id of that county's unit
    /// (`"KPP-1465"` is not, Warsaw's units are KRP).
    public static func county(ofUnitID id: String) -> CountyCode? {
        guard id.utf8.count == 8, let dash = id.firstIndex(of: "-"),
            let county = try? CountyCode(validating: String(id[id.index(after: dash)...])),
            LocalUnit(county: county).id == id
        else { return nil }
        return county
    }
}
