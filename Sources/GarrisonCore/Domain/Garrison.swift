/// One of the 17 garrisons (voivodeship police HQs): a tenant of the hub and the owner of one node.
public struct Garrison: Codable, Hashable, Sendable, Identifiable {
    /// `"02"`…`"32"` or `"KSP"`.
    public let code: GarrisonCode
    /// The HQ's name, e.g. `"KWP Białystok"`.
    public let name: String
    /// The seat of the HQ.
    public let seat: String
    /// The area it covers, in words.
    public let area: String
    /// The voivodeship whose counties it covers by default (`nil` for KSP, which covers a listed set).
    public let voivodeship: String?
    /// Counties covered by explicit listing (KSP), in addition to the voivodeship's.
    public let counties: [CountyCode]
    /// The rollout wave in which the garrison went live historically (1 = pilot).
    public let wave: Int

    public var id: GarrisonCode { code }

    public init(
        code: GarrisonCode, name: String, seat: String, area: String, voivodeship: String?,
        counties: [CountyCode], wave: Int
    ) {
        self.code = code
        self.name = name
        self.seat = seat
        self.area = area
        self.voivodeship = voivodeship
        self.counties = counties
        self.wave = wave
    }
}
