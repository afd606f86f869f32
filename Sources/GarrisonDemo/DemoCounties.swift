import GarrisonCore

/// The 380 counties by TERYT code (`reference/counties.csv`), per voivodeship: the two digits after the
/// voivodeship's, land counties 01… and city counties 61…. The core's registry lists KSP's counties but covers the
/// voivodeships by their code, so the demo needs the codes themselves to place reports without the GeoJSON.
enum DemoCounties {
    private static let byVoivodeship: [String: String] = [
        "02": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 61 62 64 65",
        "04": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 61 62 63 64",
        "06": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 61 62 63 64",
        "08": "01 02 03 04 05 06 07 08 09 10 11 12 61 62",
        "10": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 61 62 63",
        "12": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 61 62 63",
        "14": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 32 33 34 35 36 37 38 61 62 63 64 65",
        "16": "01 02 03 04 05 06 07 08 09 10 11 61",
        "18": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 61 62 63 64",
        "20": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 61 62 63",
        "22": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 61 62 63 64",
        "24": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79",
        "26": "01 02 03 04 05 06 07 08 09 10 11 12 13 61",
        "28": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 61 62",
        "30": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 61 62 63 64",
        "32": "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 61 62 63",
    ]

    /// Every county the garrison covers (KSP's ten are taken out of garrison 14's voivodeship).
    static func of(_ garrison: GarrisonCode) -> [CountyCode] {
        let registry = GarrisonRegistry.standard
        guard let entry = registry.garrison(garrison) else { return [] }
        let candidates = entry.voivodeship.map { voivodeship in
            (byVoivodeship[voivodeship] ?? "").split(separator: " ").map { CountyCode(voivodeship + $0) }
        } ?? entry.counties
        return candidates.filter { registry.garrison(covering: $0)?.code == garrison }
    }
}
